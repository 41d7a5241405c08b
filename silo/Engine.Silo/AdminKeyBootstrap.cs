using Engine.Api.Security;
using Engine.Domain;
using Engine.Contracts;
using Engine.Storage.Access;
using Engine.Storage.Databases;
using Microsoft.Extensions.Options;

namespace Engine.Silo;

/// <summary>
/// With authentication required and no active admin key, the engine makes one at start-up and writes it to a file
/// only this user can read (default data/admin.key): the way in for the operator, who makes named keys with it and
/// then revokes it. The key is never logged; the log says where the file is. Silos starting together make one key:
/// the check and the insert hold the key table's lock.
/// </summary>
public sealed partial class AdminKeyBootstrap(
    IAccessStore store, IOptions<SecurityOptions> security, IOptions<StorageOptions> storage, [FromKeyedServices(EngineClock.Key)] TimeProvider time, ILogger<AdminKeyBootstrap> logger)
    : IHostedService
{
    public const string DefaultFileName = "admin.key";

    public string KeyFile => security.Value.BootstrapKeyFile is { Length: > 0 } file ? file : Path.Combine(storage.Value.DataDirectory, DefaultFileName);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (security.Value.Authentication != AuthenticationMode.Required)
        {
            return;
        }

        var created = store.CreateFirstAdmin(time.GetUtcNow());
        if (created is null)
        {
            return;
        }

        var path = Path.GetFullPath(KeyFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(path, options))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteLineAsync(created.Secret);
        }

        if (!OperatingSystem.IsWindows())
        {
            // An older file keeps its mode when overwritten; the key must be readable by this user only.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Log.Created(logger, created.Key.KeyId, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.FirstAdminKeyCreated, Level = LogLevel.Warning,
            Message = "No admin key existed: made key {KeyId} and wrote it to {Path} (readable by this user only). Make named keys with it (AccessService.CreateApiKey), then revoke it.")]
        public static partial void Created(ILogger logger, string keyId, string path);
    }
}
