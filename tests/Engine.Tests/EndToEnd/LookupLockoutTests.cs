using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Engine.Domain;
using Engine.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// The lockout of a (case, phone) pair after repeated failed look-ups: attempts during it are refused without
/// extending it (else one request per lockout would keep a party out for ever), staff of the case's court lift it
/// by an audited call, and every lockout is in the audit log, on a metric, in the log and in an event supervisors read,
/// naming the case number and never the phone.
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
        Assert.Equal(2, lifted.RefusedWhileLocked);
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

    [Fact]
    public async Task A_lockout_is_audited_counted_logged_and_sent_to_supervisors_naming_the_case_and_never_the_phone()
    {
        using var logs = new CapturedLogs();
        using var metric = new LockoutMetric();
        await using var engine = await EngineInstance.StartWithServicesAsync(services => services.AddSingleton<ILoggerProvider>(logs), Keys.RequiredArg);
        metric.Watch(engine.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString());
        var admin = engine.AdminKey();
        await new V1.DirectoryService.DirectoryServiceClient(engine.As(admin)).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        var unknown = SharedEngine.NewCaseNumber("沪0106");
        await new V1.CaseService.CaseServiceClient(engine.As(admin)).UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", null));
        var adapterKey = await engine.CreateKeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Web } }, name: "web-adapter");
        var adapter = new V1.CaseService.CaseServiceClient(engine.As(adapterKey));
        var staff = new V1.CaseService.CaseServiceClient(engine.As(await engine.CreateKeyAsync(V1.AccessRole.CourtStaff, new V1.AccessScope { CourtIds = { Court } })));

        // The party's phone, then a stranger's, on one case; the party's again after staff lifted its lock; and a
        // number nobody stored.
        await LockAsync(adapter, caseNumber);
        await LockAsync(adapter, caseNumber, StrangerPhone);
        await staff.LiftLookupLockoutAsync(new V1.LiftLookupLockoutRequest { CaseNumber = caseNumber, Phone = Requests.FakePhone });
        await LockAsync(adapter, caseNumber);
        await LockAsync(adapter, unknown);

        var audited = (await engine.Access(admin).ListAuditLogAsync(new V1.ListAuditLogRequest())).Entries
            .Where(e => e.Action == "lookup.locked").Reverse().ToList();
        Assert.Equal(4, audited.Count);
        Assert.All(audited, e => Assert.Equal("engine", e.Actor));
        Assert.Equal([caseNumber, caseNumber, caseNumber, unknown], audited.Select(e => e.Target.Replace("case_number=", string.Empty, StringComparison.Ordinal)));
        var records = audited.Select(e => V1.CaseLookupLocked.Parser.ParseJson(e.Detail)).ToList();
        Assert.Equal([1L, 2L, 3L, 1L], records.Select(r => r.CaseLockouts));
        Assert.Equal([1, 1, 2, 1], records.Select(r => r.PhoneLockouts));
        Assert.Equal([Court, Court, Court, string.Empty], records.Select(r => r.CourtId));
        Assert.All(records, r => Assert.Equal($"key:{adapterKey.Substring(4, 12)} (web-adapter)", r.Caller));

        // A supervisor of the court reads the case's lockouts, the third saying the case has had three.
        var supervisor = new V1.EventService.EventServiceClient(engine.As(await engine.CreateKeyAsync(V1.AccessRole.Supervisor, new V1.AccessScope { CourtIds = { Court } })));
        using var call = supervisor.Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { EventTypes = { "case.lookup_locked" } } });
        var events = await EventStreams.ReadEventsAsync(call, e => e.Count >= 3);
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.AggregateVersion));
        Assert.All(events, e => Assert.Equal("lookup/" + caseNumber, e.AggregateId));
        Assert.All(events, e => Assert.Equal(Court, e.CourtId));
        Assert.Equal(records[..3], events.Select(e => e.Payload.Unpack<V1.CaseLookupLocked>()));

        Assert.Equal(3, metric.Count(Court));
        Assert.Equal(1, metric.Count("none"));
        var lines = logs.Containing("are locked for one phone");
        Assert.Equal(4, lines.Count);
        Assert.Equal(3, lines.Count(l => l.Contains(caseNumber, StringComparison.Ordinal)));

        var written = string.Join('\n', audited.Select(e => e.Detail).Concat(events.Select(e => e.ToString())).Concat(lines));
        foreach (var phone in new[] { Requests.FakePhone, StrangerPhone, "138****0001", "139****0002" })
        {
            Assert.DoesNotContain(phone, written, StringComparison.Ordinal);
        }
    }

    private const string StrangerPhone = "13900000002";

    /// <summary>Five wrong passwords for <paramref name="phone"/> (the party's by default), then the right one: the pair
    /// is locked.</summary>
    private static async Task LockAsync(V1.CaseService.CaseServiceClient cases, string caseNumber, string phone = Requests.FakePhone)
    {
        for (var i = 0; i < 5; i++)
        {
            await RpcAssert.StatusAsync(StatusCode.NotFound, () => cases.LookupCaseAsync(Lookup(caseNumber, "guess-" + i, phone)).ResponseAsync);
        }

        await RpcAssert.StatusAsync(StatusCode.NotFound, () => cases.LookupCaseAsync(Lookup(caseNumber, Password, phone)).ResponseAsync);
    }

    private static V1.LookupCaseRequest Lookup(string caseNumber, string password, string phone = Requests.FakePhone) =>
        new() { CaseNumber = caseNumber, Phone = phone, ServicePassword = password };

    /// <summary>engine.lookup.lockouts as one engine's silo counted it, by court (other tests' engines run in this
    /// process too).</summary>
    private sealed class LockoutMetric : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _byCourt = new(StringComparer.Ordinal);
        private volatile string? _silo;

        public LockoutMetric()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Engine.Storage" && instrument.Name == "engine.lookup.lockouts")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? court = null, silo = null;
                foreach (var tag in tags)
                {
                    (court, silo) = tag.Key switch { "court" => (tag.Value as string, silo), "silo" => (court, tag.Value as string), _ => (court, silo) };
                }

                if (court is not null && silo is not null && silo == _silo)
                {
                    _byCourt.AddOrUpdate(court, value, (_, sum) => sum + value);
                }
            });
            _listener.Start();
        }

        public void Watch(string silo) => _silo = silo;

        public long Count(string court) => _byCourt.GetValueOrDefault(court);

        public void Dispose() => _listener.Dispose();
    }
}
