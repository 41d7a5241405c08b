using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Administrative actions (directory, routing rules, keys, statistics rebuilds) are in the audit log with the
/// key that acted, the time and the outcome — refused ones too — and never a secret.</summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task Directory_and_key_changes_are_audited_with_actor_time_and_outcome()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var admin = engine.AdminKey();
        var directory = new V1.DirectoryService.DirectoryServiceClient(engine.As(admin));
        await directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        await directory.UpsertCourtAsync(new V1.UpsertCourtRequest
        {
            Court = new V1.Court { CourtId = "sh-test", Name = "测试法院", Level = V1.CourtLevel.Basic },
        });
        await RpcAssert.InvalidFieldAsync("court.name", () => directory.UpsertCourtAsync(new V1.UpsertCourtRequest
        {
            Court = new V1.Court { CourtId = "sh-test", Level = V1.CourtLevel.Basic },
        }).ResponseAsync);
        var secret = await engine.CreateKeyAsync(V1.AccessRole.Judge, new V1.AccessScope { JudgeId = "sh-pudong/civil-1/1" }, name: "judge-client");
        var keyId = secret.Substring(4, 12);
        await engine.Access(admin).RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { KeyId = keyId });

        var log = await engine.Access(admin).ListAuditLogAsync(new V1.ListAuditLogRequest());

        var actor = $"key:{admin.Substring(4, 12)} (bootstrap-admin)";
        var entries = log.Entries.ToList();
        Assert.Equal(entries.OrderByDescending(e => e.Id).Select(e => e.Id), entries.Select(e => e.Id));
        Assert.Equal(["engine.v1.AccessService/RevokeApiKey", "engine.v1.AccessService/CreateApiKey", "engine.v1.DirectoryService/UpsertCourt",
            "engine.v1.DirectoryService/UpsertCourt", "engine.v1.DirectoryService/ImportDirectory", "bootstrap"], entries.Select(e => e.Action));
        Assert.All(entries.Take(5), e => Assert.Equal(actor, e.Actor));
        Assert.All(entries, e => Assert.InRange(e.At.ToDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.StartsWith("InvalidArgument: court.name", entries[2].Outcome, StringComparison.Ordinal);
        Assert.Equal("OK", entries[3].Outcome);
        Assert.Contains("court_id=sh-test", entries[3].Target, StringComparison.Ordinal);
        Assert.Equal($"key {keyId}", entries[0].Target);
        Assert.All(entries, e => Assert.DoesNotContain(secret[17..], e.Detail, StringComparison.Ordinal));
        Assert.All(entries, e => Assert.DoesNotContain(admin[17..], e.Detail, StringComparison.Ordinal));
        Assert.Contains("judge-client", entries[1].Detail, StringComparison.Ordinal);

        var page = await engine.Access(admin).ListAuditLogAsync(new V1.ListAuditLogRequest { PageSize = 2 });
        Assert.Equal(2, page.Entries.Count);
        var next = await engine.Access(admin).ListAuditLogAsync(new V1.ListAuditLogRequest { PageSize = 2, BeforeId = page.NextBeforeId });
        Assert.Equal(entries[2].Id, next.Entries[0].Id);
    }

    [Fact]
    public async Task Only_admins_read_the_audit_log()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var supervisor = await engine.CreateKeyAsync(V1.AccessRole.Supervisor);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => engine.Access(supervisor).ListAuditLogAsync(new V1.ListAuditLogRequest()).ResponseAsync);
    }
}
