using System.Diagnostics;
using System.Text.Json.Nodes;
using Engine.Domain;
using Engine.Storage.Databases;
using Engine.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using V1 = Engine.V1;

namespace Engine.Tests.Upgrade;

/// <summary>
/// This build opens the data each earlier build wrote (tests/fixtures/*, README there), on SQLite and on PostgreSQL
/// restored from its dump: it applies its schema upgrades, serves every ticket, case, court, cursor and statistic as
/// that build did, keeps its API keys working, fires the steps that were pending, starts the leave that was due,
/// keeps what was set through the API when the sample directory is imported again, gives back the ladder of every
/// clock that build could not count (its year-end tickets), and counts its events (payloads written before thin
/// events) again to the statistics it had.
/// </summary>
[Trait("Category", "Upgrade")]
public sealed class UpgradeDataTests
{
    /// <summary>The tickets of the 2026-12-04 fixture whose clocks reached into 2027, which that build had no calendar for.</summary>
    private static readonly string[] YearEndTickets = ["contact-year-end", "filing-year-end", "suggestion-year-end"];

    public static TheoryData<string, string> Fixtures()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Directory.GetDirectories(Support.Fixtures.Root).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(folder), "sqlite");
            data.Add(Path.GetFileName(folder), "postgres");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task An_earlier_builds_data_opens_and_answers_as_it_did(string fixture, string storage)
    {
        var folder = Path.Combine(Support.Fixtures.Root, fixture, storage);
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "expected.json")))!;
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(expected["stoppedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        using var data = new TempDirectory();
        var args = new List<string>(expected["settings"]!.AsArray().Select(s => s!.GetValue<string>())) { "--Engine:Deadlines:CalendarRefreshInterval=00:00:00.200" };
        if (storage == "sqlite")
        {
            foreach (var file in Directory.GetFiles(folder, "*.db"))
            {
                File.Copy(file, Path.Combine(data.Path, Path.GetFileName(file)));
            }
        }
        else
        {
            args.AddRange(["--storage", "postgres", "--connection", Restore(Path.Combine(folder, "dump.sql")), "--cluster-id", "upgrade-" + Guid.NewGuid().ToString("N")[..8]]);
        }

        await using var engine = await EngineInstance.StartAsync(data.Path, services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock), [.. args]);
        var keys = expected["keys"]!;
        var admin = engine.As(keys["admin"]!.GetValue<string>());
        var tickets = new V1.TicketService.TicketServiceClient(admin);
        var names = expected["tickets"]!.AsObject().ToDictionary(t => t.Key, t => t.Value!["ticketId"]!.GetValue<string>());

        // The year-end tickets get their ladders back (the sweep counts them again at start).
        using var replanned = new V1.EventService.EventServiceClient(admin).Subscribe(new V1.SubscribeRequest
        {
            FromSequence = 0, Filter = new V1.EventFilter { EventTypes = { "ticket.deadline_replanned" } },
        });
        await EventStreams.ReadEventsAsync(replanned, e => YearEndTickets.All(n => e.Any(x => x.AggregateId == names[n])));

        using (var connection = engine.Services.GetRequiredService<Database>().Open())
        {
            Assert.Equal(Schema.LatestVersion(storage == "sqlite" ? "sqlite" : "postgres"), Schema.CurrentVersion(connection));
        }

        // Every ticket as it was; the year-end ones as they were apart from their clock.
        foreach (var (name, recorded) in expected["tickets"]!.AsObject())
        {
            var now = Json((await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = names[name] })).Ticket);
            var yearEnd = YearEndTickets.Contains(name);
            JsonSubset.AssertContains(recorded, now, $"ticket {name}", yearEnd ? new HashSet<string> { "clock", "deadlines", "history", "version", "updatedAt" } : null);
            if (yearEnd)
            {
                Assert.True(now["clock"]!["problem"] is null, $"ticket {name} still has a problem");
                Assert.Equal(4, now["deadlines"]!.AsArray().Count);
                Assert.Equal([2027], now["clock"]!["provisionalYears"]!.AsArray().Select(y => y!.GetValue<int>()));
                Assert.Contains(now["history"]!.AsArray(), h => h!["action"]!.GetValue<string>() == "deadline-replanned");
            }
        }

        // The case look-up, the court, the statistics, the cursors.
        var lookup = expected["lookup"]!;
        var cases = new V1.CaseService.CaseServiceClient(engine.As(keys["channel"]!.GetValue<string>()));
        JsonSubset.AssertContains(lookup["answer"], Json(await cases.LookupCaseAsync(new V1.LookupCaseRequest
        {
            CaseNumber = lookup["caseNumber"]!.GetValue<string>(), Phone = lookup["phone"]!.GetValue<string>(), ServicePassword = lookup["password"]!.GetValue<string>(),
        })), "the case look-up");
        var directory = new V1.DirectoryService.DirectoryServiceClient(admin);
        JsonSubset.AssertContains(expected["court"], Json(await directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = DataScenario.Court })), "the court");

        // The sample directory imported again, as README's --import does at every start: it names no heads, so the
        // head that build set through the API stays.
        await directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = await File.ReadAllTextAsync(SampleDirectory.Path) });
        JsonSubset.AssertContains(expected["court"], Json(await directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = DataScenario.Court })), "the court after a re-import");
        var statistics = new V1.StatsService.StatsServiceClient(admin);
        var statsRequest = V1.GetStatsRequest.Parser.ParseJson(expected["statsRequest"]!.ToJsonString());
        JsonSubset.AssertContains(expected["stats"], Json(await statistics.GetStatsAsync(statsRequest)), "the statistics", new HashSet<string> { "asOfSequence" });

        // Counted again from the log, whose ticket events that build wrote with the whole ticket (before thin events):
        // the same figures.
        await statistics.RebuildStatsAsync(new V1.RebuildStatsRequest());
        JsonSubset.AssertContains(expected["stats"], Json(await statistics.GetStatsAsync(statsRequest)), "the statistics counted again", new HashSet<string> { "asOfSequence" });
        var events = new V1.EventService.EventServiceClient(engine.As(keys["subscriber"]!.GetValue<string>()));
        foreach (var (name, sequence) in expected["cursors"]!.AsObject())
        {
            Assert.Equal(sequence!.GetValue<long>(), (await events.GetCursorAsync(new V1.GetCursorRequest { Subscription = name })).Sequence);
        }

        // The keys still work, each within its role.
        var judge = new V1.TicketService.TicketServiceClient(engine.As(keys["judge"]!.GetValue<string>()));
        Assert.Equal(names["pending"], (await judge.GetTicketAsync(new V1.GetTicketRequest { TicketId = names["pending"] })).Ticket.TicketId);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, async () => await judge.GetTicketAsync(new V1.GetTicketRequest { TicketId = names["contact-year-end"] }));
        var submitted = await new V1.IntakeService.IntakeServiceClient(engine.As(keys["channel"]!.GetValue<string>())).SubmitTicketAsync(new V1.SubmitTicketRequest
        {
            IdempotencyKey = "after-upgrade", Channel = V1.Channel.Wechat, Kind = V1.TicketKind.Consultation, SubKind = V1.TicketSubKind.ConsultationProcedure,
            CourtId = DataScenario.Court, Caller = new V1.Caller { Name = "测试", Phone = "13800000099", Role = V1.CallerRole.Public }, Content = "升级后",
        });
        Assert.False(submitted.Deduplicated);

        // A paused clock resumes; the pending step fires when due; the leave begins on its day.
        var resumed = (await tickets.ResumeClockAsync(new V1.ResumeClockRequest { TicketId = names["paused"], Actor = DataScenario.Judge("civil-1", 1) })).Ticket;
        Assert.Null(resumed.Clock.PausedAt);
        Assert.True(resumed.Clock.ReplyDueAt.ToDateTimeOffset() > clock.GetUtcNow());
        clock.SetUtcNow(new DateTimeOffset(2027, 1, 4, 9, 0, 0, DataScenario.Shanghai));
        await Eventually.TrueAsync(async () => (await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = names["pending"] })).Ticket.Deadlines.All(d => d.FiredAt is not null),
            "the step the earlier build left pending fires");
        await Eventually.TrueAsync(async () => (await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = names["contact-year-end"] })).Ticket.Assignee.Id == DataScenario.Judge("civil-2", 2),
            "the leave that begins on 2027-01-04 hands the judge's open tickets to the delegate");
        var pending = (await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = names["pending"] })).Ticket;
        Assert.Single(pending.Deadlines, d => d.Kind == V1.DeadlineKind.SpecialSupervision);
    }

    private static JsonNode Json(IMessage message) => JsonNode.Parse(JsonFormatter.Default.Format(message))!;

    /// <summary>A new database on the shared PostgreSQL with the dump restored into it; answers its connection string.</summary>
    private static string Restore(string dump)
    {
        var connection = PostgresServer.Shared.CreateDatabase();
        var builder = new NpgsqlConnectionStringBuilder(connection);
        var psql = Directory.GetDirectories("/usr/lib/postgresql").Order(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin", "psql")).Last(File.Exists);
        var start = new ProcessStartInfo(psql, ["-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!,
            "-d", builder.Database!, "-v", "ON_ERROR_STOP=1", "-q", "-f", dump])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["PGPASSWORD"] = builder.Password;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"psql could not restore {dump}: {errors}");
        return connection;
    }

}
