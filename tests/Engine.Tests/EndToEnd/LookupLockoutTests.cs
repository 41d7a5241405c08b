using Engine.Domain;
using Engine.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// The lockout of a (case, phone) pair after repeated failed look-ups: attempts during it are refused without
/// extending it (else one request per lockout would keep a party out for ever), and staff of the case's court lift it
/// by an audited call.
/// </summary>
public sealed class LookupLockoutTests
{
    private const string Court = "sh-jingan";
    private const string Password = "test-password-1";

    [Fact]
    public async Task Attempts_during_a_lockout_are_refused_without_extending_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        await using var engine = await EngineInstance.StartWithServicesAsync(services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock));
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", null));
        await LockAsync(engine.Cases, caseNumber);

        // Ten minutes into the 15-minute lockout, the attacker tries again; so, with the right password, does the party.
        clock.Advance(TimeSpan.FromMinutes(10));
        await RpcAssert.StatusAsync(StatusCode.NotFound, () => engine.Cases.LookupCaseAsync(Lookup(caseNumber, "guess-again")).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.NotFound, () => engine.Cases.LookupCaseAsync(Lookup(caseNumber, Password)).ResponseAsync);

        // 15 minutes after the lock, not after the last attempt, the party gets in.
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var found = await engine.Cases.LookupCaseAsync(Lookup(caseNumber, Password));
        Assert.Equal(caseNumber, found.CaseNumber);
    }

    [Fact]
    public async Task Staff_of_the_case_court_lift_a_lockout_and_the_audit_log_keeps_it_with_the_phone_masked()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var admin = engine.AdminKey();
        await new V1.DirectoryService.DirectoryServiceClient(engine.As(admin)).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        await new V1.CaseService.CaseServiceClient(engine.As(admin)).UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", null));
        var adapter = new V1.CaseService.CaseServiceClient(engine.As(await engine.CreateKeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Web } })));
        var staff = new V1.CaseService.CaseServiceClient(engine.As(await engine.CreateKeyAsync(V1.AccessRole.CourtStaff, new V1.AccessScope { CourtIds = { Court } }, name: "jingan-desk")));
        var otherCourt = new V1.CaseService.CaseServiceClient(engine.As(await engine.CreateKeyAsync(V1.AccessRole.CourtStaff, new V1.AccessScope { CourtIds = { "sh-pudong" } })));
        await LockAsync(adapter, caseNumber);
        var lift = new V1.LiftLookupLockoutRequest { CaseNumber = caseNumber, Phone = "+86 138-0000-0001", Reason = "当事人来电，已核实身份" };

        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => otherCourt.LiftLookupLockoutAsync(lift).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.NotFound, () => adapter.LookupCaseAsync(Lookup(caseNumber, Password)).ResponseAsync);
        var lifted = await staff.LiftLookupLockoutAsync(lift);

        Assert.True(lifted.WasLocked);
        Assert.Equal(5, lifted.Failures);
        Assert.Equal(caseNumber, (await adapter.LookupCaseAsync(Lookup(caseNumber, Password))).CaseNumber);
        var again = await staff.LiftLookupLockoutAsync(lift);
        Assert.False(again.WasLocked);
        Assert.Equal(0, again.Failures);

        var entries = (await engine.Access(admin).ListAuditLogAsync(new V1.ListAuditLogRequest())).Entries
            .Where(e => e.Action == "engine.v1.CaseService/LiftLookupLockout").Reverse().ToList();
        Assert.Equal(3, entries.Count);
        Assert.StartsWith("PermissionDenied", entries[0].Outcome, StringComparison.Ordinal);
        Assert.Equal("OK", entries[1].Outcome);
        Assert.StartsWith("key:", entries[1].Actor, StringComparison.Ordinal);
        Assert.EndsWith("(jingan-desk)", entries[1].Actor, StringComparison.Ordinal);
        Assert.Contains("138****0001", entries[1].Detail, StringComparison.Ordinal);
        Assert.Contains("已核实身份", entries[1].Detail, StringComparison.Ordinal);
        Assert.Contains(caseNumber, entries[1].Detail, StringComparison.Ordinal);
        Assert.All(entries, e => Assert.DoesNotContain("0000-0001", e.Detail, StringComparison.Ordinal));
        Assert.All(entries, e => Assert.DoesNotContain("13800000001", e.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lifting_a_lockout_of_a_case_nobody_stored_is_not_found()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var lift = new V1.LiftLookupLockoutRequest { CaseNumber = SharedEngine.NewCaseNumber("沪0106"), Phone = Requests.FakePhone };

        await RpcAssert.StatusAsync(StatusCode.NotFound, () => engine.Cases.LiftLookupLockoutAsync(lift).ResponseAsync);
        await RpcAssert.InvalidFieldAsync("phone", () => engine.Cases.LiftLookupLockoutAsync(new V1.LiftLookupLockoutRequest { CaseNumber = lift.CaseNumber }).ResponseAsync);
    }

    /// <summary>Five wrong passwords for the party's phone: the pair is locked.</summary>
    private static async Task LockAsync(V1.CaseService.CaseServiceClient cases, string caseNumber)
    {
        for (var i = 0; i < 5; i++)
        {
            await RpcAssert.StatusAsync(StatusCode.NotFound, () => cases.LookupCaseAsync(Lookup(caseNumber, "guess-" + i)).ResponseAsync);
        }

        await RpcAssert.StatusAsync(StatusCode.NotFound, () => cases.LookupCaseAsync(Lookup(caseNumber, Password)).ResponseAsync);
    }

    private static V1.LookupCaseRequest Lookup(string caseNumber, string password) =>
        new() { CaseNumber = caseNumber, Phone = Requests.FakePhone, ServicePassword = password };
}
