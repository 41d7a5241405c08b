using System.Collections.Concurrent;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;
using V1 = Engine.V1;

namespace Engine.Tests.Cluster;

/// <summary>One real cluster at a time: each is five processes and a PostgreSQL on a two-core machine.</summary>
[CollectionDefinition(nameof(OneClusterAtATime), DisableParallelization = true)]
public sealed class OneClusterAtATime;

/// <summary>
/// Cluster mode survives what DESIGN promises: a silo killed under a steady stream of submissions, front-ends that
/// lose a gateway, PostgreSQL restarting under the engine. Real processes from scripts/cluster.sh, a PostgreSQL
/// started by the script; bounded in time (each test starts its own cluster).
/// </summary>
[Collection(nameof(OneClusterAtATime))]
[Trait("Category", "Soak")]
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private const string Court = "sh-pudong";

    /// <summary>A channel adapter's pause before retrying an UNAVAILABLE answer with the same key.</summary>
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the load before and after the kill may take to be acknowledged.</summary>
    private static readonly TimeSpan LoadPatience = TimeSpan.FromMinutes(2);

    /// <summary>Second-scale deadlines, so that every step of every ticket comes due during the test.</summary>
    private static readonly Dictionary<string, string> Drill = new()
    {
        ["Engine__Deadlines__All__Reply"] = "16 seconds",
        ["Engine__Deadlines__All__WarningShare"] = "0.5",
        ["Engine__Deadlines__All__Supervision"] = "3 seconds",
        ["Engine__Deadlines__All__SpecialSupervision"] = "3 seconds",
    };

    [Fact]
    public async Task A_silo_killed_under_load_loses_no_acknowledged_ticket_makes_no_key_twice_and_its_deadlines_fire_once()
    {
        await using var cluster = await ClusterUnderTest.StartAsync(silos: 3, frontends: 2, settings: Drill);
        var caseNumber = await PrepareAsync(cluster.Frontend(1));
        var acknowledged = new ConcurrentDictionary<string, string>();
        var sent = new ConcurrentDictionary<string, V1.SubmitTicketRequest>();
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        using var stop = new CancellationTokenSource();

        // Eight callers, four through each front-end, each submitting with retries (same key) until acknowledged.
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var intake = new V1.IntakeService.IntakeServiceClient(cluster.Frontend(1 + (c % 2)));
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var request = Requests.ContactJudge(caseNumber, key: $"kill-{c}-{i}");
                request.Caller.Phone = $"139{c:D2}{i:D6}";
                sent[request.IdempotencyKey] = request;
                acknowledged[request.IdempotencyKey] = await SubmitWithRetriesAsync(intake, request, statuses);
            }
        })).ToArray();

        await Eventually.TrueAsync(() => acknowledged.Count >= 100, "100 tickets are acknowledged before the kill", LoadPatience);
        var beforeKill = acknowledged.Count;
        await cluster.KillSiloAsync(2);
        await Eventually.TrueAsync(() => acknowledged.Count >= beforeKill + 100, "100 more tickets are acknowledged after the kill", LoadPatience);
        stop.Cancel();
        await Task.WhenAll(callers);

        output.WriteLine($"acknowledged {acknowledged.Count} ({beforeKill} before the kill); answers: {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}");
        Assert.True(beforeKill > 0, "nothing was acknowledged before the kill");
        Assert.True(acknowledged.Count > beforeKill, "nothing was acknowledged after the kill");

        // Every acknowledged ticket is readable, through either front-end, and a retry of its key answers it again.
        var tickets = new V1.TicketService.TicketServiceClient(cluster.Frontend(2));
        var intakeAgain = new V1.IntakeService.IntakeServiceClient(cluster.Frontend(1));
        foreach (var (key, id) in acknowledged)
        {
            Assert.Equal(id, (await GetWithRetriesAsync(tickets, id, statuses)).TicketId);
        }

        foreach (var (key, id) in acknowledged.Take(50))
        {
            // A retry says what the first submission said (the same key with other content is refused).
            Assert.Equal(id, await SubmitWithRetriesAsync(intakeAgain, sent[key].Clone(), statuses));
        }

        output.WriteLine($"answers, reads included: {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}");
        Assert.All(statuses.Keys, code => Assert.Contains(code, new[] { StatusCode.OK, StatusCode.Unavailable }));
        Assert.Equal(cluster.Scalar("SELECT COUNT(*) FROM ticket_idempotency;"), cluster.Scalar("SELECT COUNT(*) FROM tickets;"));
        Assert.Equal(acknowledged.Count, acknowledged.Values.Distinct().Count());

        // Every step of every ticket fires — those whose shards or tickets lived on the dead silo too — and once. A
        // shard wakes only the tickets whose row says a step is due, and a step is recorded in the write that moves the
        // row on: once no row is due, nothing is left to fire, and the counts below are final.
        var total = cluster.Scalar("SELECT COUNT(*) FROM tickets;");
        await Eventually.TrueAsync(() => cluster.Scalar("SELECT COUNT(*) FROM tickets WHERE due_at_ms IS NOT NULL;") == 0, "no ticket has a step left to fire", TimeSpan.FromSeconds(90));
        Assert.Equal(4 * total, cluster.Scalar("SELECT COUNT(*) FROM events WHERE event_type LIKE 'deadline.%';"));
        Assert.Equal(4 * total, cluster.Scalar("SELECT COUNT(*) FROM (SELECT DISTINCT aggregate_id, event_type FROM events WHERE event_type LIKE 'deadline.%') AS steps;"));
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_calls_answer_UNAVAILABLE_within_their_deadline_and_the_engine_recovers_by_itself()
    {
        await using var cluster = await ClusterUnderTest.StartAsync(silos: 2, frontends: 1);
        var caseNumber = await PrepareAsync(cluster.Frontend(1));
        var intake = new V1.IntakeService.IntakeServiceClient(cluster.Frontend(1));
        var before = await intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber));

        await cluster.StopPostgresAsync();
        for (var i = 0; i < 5; i++)
        {
            var request = Requests.ContactJudge(caseNumber);
            request.Caller.Phone = $"1370000{i:D4}";
            var refused = await Assert.ThrowsAsync<RpcException>(() => intake.SubmitTicketAsync(request, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        }

        // Grains activated now read their state first: a ticket and a case no silo has seen yet refuse the same way
        // (their activation failed with the driver's exception, which reached the front-end as INTERNAL).
        var unseenTicket = new V1.TicketService.TicketServiceClient(cluster.Frontend(1)).GetTicketAsync(
            new V1.GetTicketRequest { TicketId = before.Ticket.TicketId[..^4] + "ZZZZ" }, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync;
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => unseenTicket)).StatusCode);
        var unseenCase = new V1.CaseService.CaseServiceClient(cluster.Frontend(1)).GetCaseAsync(
            new V1.GetCaseRequest { CaseNumber = SharedEngine.NewCaseNumber() }, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync;
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => unseenCase)).StatusCode);

        await cluster.StartPostgresAsync();
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        var after = Requests.ContactJudge(caseNumber);
        after.Caller.Phone = "13700009999";
        var id = await SubmitWithRetriesAsync(intake, after, statuses);

        var tickets = new V1.TicketService.TicketServiceClient(cluster.Frontend(1));
        Assert.Equal(id, (await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = id })).Ticket.TicketId);
        Assert.Equal(before.Ticket.TicketId, (await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = before.Ticket.TicketId })).Ticket.TicketId);
        Assert.DoesNotContain(StatusCode.Internal, statuses.Keys);
    }

    [Fact]
    public async Task Every_front_end_streams_the_same_events_in_the_same_order_and_every_front_end_and_silo_answers_the_same_statistics()
    {
        await using var cluster = await ClusterUnderTest.StartAsync(silos: 3, frontends: 2);
        var caseNumber = await PrepareAsync(cluster.Frontend(1));
        var filter = new V1.EventFilter { EventTypes = { "ticket.received" } };
        using var first = new V1.EventService.EventServiceClient(cluster.Frontend(1)).Subscribe(new V1.SubscribeRequest { Filter = filter });
        using var second = new V1.EventService.EventServiceClient(cluster.Frontend(2)).Subscribe(new V1.SubscribeRequest { Filter = filter });

        // Written through the API each silo co-hosts, so that three committers append to the log. A cluster just
        // started on few cores may answer a first call UNAVAILABLE ("did not answer in time"): a channel adapter then
        // retries with the same key, and gets one ticket, as here.
        var ids = new List<string>();
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        for (var i = 0; i < 30; i++)
        {
            var request = Requests.ContactJudge(caseNumber);
            request.Caller.Phone = $"1360000{i:D4}";
            ids.Add(await SubmitWithRetriesAsync(new V1.IntakeService.IntakeServiceClient(cluster.Silo(1 + (i % 3))), request, statuses));
        }

        Assert.DoesNotContain(StatusCode.Internal, statuses.Keys);

        var seenFirst = await EventStreams.ReadEventsAsync(first, e => e.Count >= ids.Count);
        var seenSecond = await EventStreams.ReadEventsAsync(second, e => e.Count >= ids.Count);

        Assert.Equal(seenFirst.Select(e => e.Sequence), seenSecond.Select(e => e.Sequence));
        Assert.Equal(seenFirst.Select(e => e.Sequence).Order(), seenFirst.Select(e => e.Sequence));
        Assert.Equal(ids.Order(StringComparer.Ordinal), seenFirst.Select(e => e.AggregateId).Order(StringComparer.Ordinal));

        // Statistics are counted once into PostgreSQL, by whichever silo gets there first, and read from there.
        var statsRequest = new V1.GetStatsRequest { GroupBy = { V1.StatsGroupBy.Judge, V1.StatsGroupBy.Channel, V1.StatsGroupBy.Day } };
        var now = DateTimeOffset.UtcNow;
        var topicsRequest = new V1.GetHotTopicsRequest
        {
            Period = new V1.Period { From = Timestamp.FromDateTimeOffset(now.AddDays(-1)), To = Timestamp.FromDateTimeOffset(now.AddDays(1)) },
        };
        GrpcChannel[] everyApi = [cluster.Frontend(1), cluster.Frontend(2), cluster.Silo(1), cluster.Silo(2), cluster.Silo(3)];
        var answers = new List<(V1.GetStatsResponse Stats, V1.GetHotTopicsResponse Topics)>();
        foreach (var api in everyApi)
        {
            var client = new V1.StatsService.StatsServiceClient(api);
            answers.Add((await client.GetStatsAsync(statsRequest), await client.GetHotTopicsAsync(topicsRequest)));
        }

        Assert.Equal(ids.Count, answers[0].Stats.Total.Received);
        Assert.Equal(ids.Count, answers[0].Stats.Total.Dispatched);
        Assert.All(answers, a => Assert.Equal(answers[0].Stats, a.Stats));
        Assert.All(answers, a => Assert.Equal(answers[0].Topics, a.Topics));
        Assert.Equal(ids.Count, cluster.Scalar("SELECT SUM(received) FROM stats_daily"));
    }

    /// <summary>The sample directory and one case with a presiding judge; answers the case number. Both calls are
    /// idempotent, and a cluster just started on few cores may refuse them UNAVAILABLE while its judges' activations
    /// open their first sessions (decision 73, "Later"): retried as a client would.</summary>
    private static async Task<string> PrepareAsync(GrpcChannel channel)
    {
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        await WithRetriesAsync(deadline => new V1.DirectoryService.DirectoryServiceClient(channel).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json }, deadline: deadline).ResponseAsync, statuses);
        var caseNumber = SharedEngine.NewCaseNumber();
        await WithRetriesAsync(deadline => new V1.CaseService.CaseServiceClient(channel).UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)), deadline: deadline).ResponseAsync, statuses);
        Assert.DoesNotContain(StatusCode.Internal, statuses.Keys);
        return caseNumber;
    }

    /// <summary>Submits as a channel adapter does, retrying UNAVAILABLE with the same key; answers the ticket id.</summary>
    private static async Task<string> SubmitWithRetriesAsync(V1.IntakeService.IntakeServiceClient intake, V1.SubmitTicketRequest request, ConcurrentDictionary<StatusCode, int> statuses) =>
        (await WithRetriesAsync(deadline => intake.SubmitTicketAsync(request, deadline: deadline).ResponseAsync, statuses)).Ticket.TicketId;

    /// <summary>Reads a ticket as a client does, retrying UNAVAILABLE (its grain may have lived on a dead silo).</summary>
    private static async Task<V1.Ticket> GetWithRetriesAsync(V1.TicketService.TicketServiceClient tickets, string id, ConcurrentDictionary<StatusCode, int> statuses) =>
        (await WithRetriesAsync(deadline => tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = id }, deadline: deadline).ResponseAsync, statuses)).Ticket;

    /// <summary>A call with a 10 s deadline, retried after UNAVAILABLE (or a lapsed deadline) for up to two minutes;
    /// every answer is counted in <paramref name="statuses"/>.</summary>
    private static async Task<T> WithRetriesAsync<T>(Func<DateTime, Task<T>> call, ConcurrentDictionary<StatusCode, int> statuses)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                var response = await call(DateTime.UtcNow.AddSeconds(10));
                statuses.AddOrUpdate(StatusCode.OK, 1, (_, n) => n + 1);
                return response;
            }
            catch (RpcException ex) when (DateTime.UtcNow < giveUp)
            {
                statuses.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
                if (ex.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded))
                {
                    throw;
                }

                await Task.Delay(RetryBackoff);
            }
        }
    }
}
