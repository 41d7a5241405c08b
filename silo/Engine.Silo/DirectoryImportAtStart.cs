using Engine.Api;
using Engine.Api.Services;
using Engine.Contracts.Grains;

namespace Engine.Silo;

/// <summary>
/// Imports the file named by Engine:ImportDirectory (--import) as the engine starts: after the silo, and before the
/// gRPC listener opens and the host says it has started (ASP.NET Core starts the server after the other hosted
/// services). Imported after the start, as it was, the first calls met courts the file was about to add, and were
/// answered INVALID_ARGUMENT "court … is not in the directory", an answer callers do not retry.
/// </summary>
internal sealed class DirectoryImportAtStart(EngineOptions options, IClusterClient grains) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.ImportDirectory))
        {
            return;
        }

        var request = DirectoryJson.Parse(await File.ReadAllTextAsync(options.ImportDirectory, cancellationToken));
        await grains.GetGrain<IDirectoryGrain>(0).ImportAsync(DirectoryApi.ToImport(request));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
