using System.Security.Cryptography;
using System.Text;
using Engine.Api;
using Engine.Domain;
using Engine.Silo;
using Engine.Tests.Support;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// An engine that requires keys, through real gRPC on real SQLite: who gets in, the first admin key, keys stored
/// hashed, rotation and revocation without a restart, and start-up refusing to be reachable without authentication.
/// </summary>
public sealed class AuthenticationTests
{
    [Fact]
    public async Task Calls_without_a_key_or_with_a_wrong_one_are_unauthenticated_and_all_refusals_read_the_same()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg, "--Engine:Security:KeyRefreshInterval=00:00:00.2");
        var health = await new Health.HealthClient(engine.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        var (keyId, _) = Split(engine.AdminKey());
        var wrongSecret = $"cek_{keyId}_{new string('A', 43)}";
        var unknownId = $"cek_ZZZZZZZZZZZZ_{new string('A', 43)}";
        var none = await RpcAssert.StatusAsync(StatusCode.Unauthenticated, () => engine.Access(null).WhoAmIAsync(new V1.WhoAmIRequest()).ResponseAsync);
        Assert.Contains("authorization: Bearer", none.Status.Detail, StringComparison.Ordinal);
        var details = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in new[] { "not-a-key", wrongSecret, unknownId, engine.AdminKey() + "x" })
        {
            var refused = await RpcAssert.StatusAsync(StatusCode.Unauthenticated, () => engine.Access(key).WhoAmIAsync(new V1.WhoAmIRequest()).ResponseAsync);
            details.Add(refused.Status.Detail);
        }

        Assert.Single(details);

        var me = await engine.Access(engine.AdminKey()).WhoAmIAsync(new V1.WhoAmIRequest());
        Assert.Equal(V1.AccessRole.Admin, me.Role);
        Assert.Equal(keyId, me.KeyId);

        // The other header adapters use.
        var viaHeader = new V1.AccessService.AccessServiceClient(engine.Channel);
        var byHeader = await viaHeader.WhoAmIAsync(new V1.WhoAmIRequest(), new Metadata { { "x-api-key", engine.AdminKey() } });
        Assert.Equal(keyId, byHeader.KeyId);
    }

    [Fact]
    public async Task The_first_start_writes_one_admin_key_readable_only_by_its_user_and_a_restart_keeps_it()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var file = Path.Combine(engine.DataDirectory, AdminKeyBootstrap.DefaultFileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var first = engine.AdminKey();

        await engine.RestartAsync();

        Assert.Equal(first, engine.AdminKey());
        var keys = await engine.Access(first).ListApiKeysAsync(new V1.ListApiKeysRequest());
        var admin = Assert.Single(keys.Keys);
        Assert.Equal(V1.AccessRole.Admin, admin.Role);
        Assert.Equal("engine", admin.CreatedBy);
    }

    [Fact]
    public async Task Only_the_hash_of_a_secret_is_stored()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var secret = await engine.CreateKeyAsync(V1.AccessRole.Subscriber);
        var (keyId, secretPart) = Split(secret);
        await engine.StopAsync();

        using (var connection = new SqliteConnection($"Data Source={engine.DatabasePath};Mode=ReadOnly"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT secret_sha256 FROM api_keys WHERE key_id = $id";
            command.Parameters.AddWithValue("$id", keyId);
            Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(secretPart)), (byte[])command.ExecuteScalar()!);
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(engine.DataDirectory, "engine.db*"))
        {
            Assert.DoesNotContain(secretPart, Encoding.ASCII.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_key_rotated_and_revoked_stops_working_without_a_restart()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg, "--Engine:Security:KeyRefreshInterval=00:00:00.2");
        var admin = engine.Access(engine.AdminKey());
        var old = await engine.CreateKeyAsync(V1.AccessRole.Subscriber, name: "warehouse-2026");
        var rotated = await engine.CreateKeyAsync(V1.AccessRole.Subscriber, name: "warehouse-2027");
        Assert.Equal(V1.AccessRole.Subscriber, (await engine.Access(old).WhoAmIAsync(new V1.WhoAmIRequest())).Role);
        Assert.Equal(V1.AccessRole.Subscriber, (await engine.Access(rotated).WhoAmIAsync(new V1.WhoAmIRequest())).Role);

        var revoked = await admin.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { KeyId = Split(old).KeyId });

        Assert.NotNull(revoked.Key.RevokedAt);
        Assert.StartsWith("key:", revoked.Key.RevokedBy, StringComparison.Ordinal);
        await RpcAssert.StatusAsync(StatusCode.Unauthenticated, () => engine.Access(old).WhoAmIAsync(new V1.WhoAmIRequest()).ResponseAsync);
        Assert.Equal(V1.AccessRole.Subscriber, (await engine.Access(rotated).WhoAmIAsync(new V1.WhoAmIRequest())).Role);
        var listed = await admin.ListApiKeysAsync(new V1.ListApiKeysRequest());
        Assert.DoesNotContain(listed.Keys, k => k.Name == "warehouse-2026");
        Assert.Contains((await admin.ListApiKeysAsync(new V1.ListApiKeysRequest { IncludeRevoked = true })).Keys, k => k.Name == "warehouse-2026");
    }

    [Fact]
    public async Task A_key_past_its_expiry_is_refused()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(8)));
        await using var engine = await EngineInstance.StartWithServicesAsync(
            services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock), Keys.RequiredArg);
        var created = await engine.Access(engine.AdminKey()).CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            Name = "short-lived",
            Role = V1.AccessRole.Subscriber,
            ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(clock.GetUtcNow().AddHours(1)),
        });
        Assert.Equal(V1.AccessRole.Subscriber, (await engine.Access(created.Secret).WhoAmIAsync(new V1.WhoAmIRequest())).Role);

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await RpcAssert.StatusAsync(StatusCode.Unauthenticated, () => engine.Access(created.Secret).WhoAmIAsync(new V1.WhoAmIRequest()).ResponseAsync);
    }

    [Theory]
    [InlineData("--grpc")]
    [InlineData("--dashboard")]
    public async Task An_endpoint_reachable_from_other_machines_will_not_start_without_authentication(string endpoint)
    {
        using var data = new TempDirectory();

        var refused = await Assert.ThrowsAsync<StartupException>(() => EngineInstance.StartAsync(data.Path, endpoint, $"0.0.0.0:{FreePorts.Next()}"));

        var line = EngineHost.Explain(refused);
        Assert.NotNull(line);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("Engine:Security:Authentication=Required", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_requests_that_make_no_sense_name_the_field()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var admin = engine.Access(engine.AdminKey());

        await RpcAssert.InvalidFieldAsync("scope.channels", () => admin.CreateApiKeyAsync(new V1.CreateApiKeyRequest { Name = "web", Role = V1.AccessRole.Channel }).ResponseAsync);
        await RpcAssert.InvalidFieldAsync("scope.judge_id", () => admin.CreateApiKeyAsync(new V1.CreateApiKeyRequest { Name = "j", Role = V1.AccessRole.Judge }).ResponseAsync);
        await RpcAssert.InvalidFieldAsync("scope.court_ids", () => admin.CreateApiKeyAsync(new V1.CreateApiKeyRequest { Name = "s", Role = V1.AccessRole.CourtStaff }).ResponseAsync);
        await RpcAssert.InvalidFieldAsync("role", () => admin.CreateApiKeyAsync(new V1.CreateApiKeyRequest { Name = "x", Role = (V1.AccessRole)99 }).ResponseAsync);
        await RpcAssert.InvalidFieldAsync("certificate_sha256", () => admin.CreateApiKeyAsync(new V1.CreateApiKeyRequest { Name = "x", Role = V1.AccessRole.Subscriber, CertificateSha256 = "abc" }).ResponseAsync);
        await RpcAssert.InvalidFieldAsync("key_id", () => admin.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { KeyId = "../etc" }).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.NotFound, () => admin.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { KeyId = "000000000000" }).ResponseAsync);
    }

    internal static (string KeyId, string Secret) Split(string key) => (key.Substring(4, 12), key[17..]);
}
