using Engine.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// A storm of deadline steps due at one moment, on a fake clock, through the gRPC API of a running engine: a step that
/// comes due while the storm drains fires before the storm is drained, not behind it, and every step of the storm still
/// fires once (decision 77). One wake at a time in the silo and eight slots a shard make the storm long and the looks
/// small, so that each shard sees more due at once than one look reads.
/// </summary>
public sealed class DeadlineStormTests
{
    private const string Court = "sh-pudong";
    private const int Storm = 3000;
    private static readonly string Judge = SampleDirectory.JudgeId(Court, "civil-1", 1);

    [Fact]
    public async Task A_step_due_during_a_storm_fires_before_the_storm_is_drained_and_every_step_fires_once()
    {
        var start = Local("2026-03-10 10:00");
        var clock = new FakeTimeProvider(start);
        await using var engine = await EngineInstance.StartOnClockAsync(
            clock,
            "--Engine:Deadlines:All:Reply=3 seconds",
            "--Engine:Deadlines:All:WarningShare=0.5",
            "--Engine:Deadlines:All:Supervision=1 second",
            "--Engine:Deadlines:All:SpecialSupervision=2 seconds",
            "--Engine:Deadlines:MaxWakesPerSilo=1",
            "--Engine:Deadlines:FireBatchSize=8");
        var caseNumber = SharedEngine.NewCaseNumber();
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", Judge));

        // The storm: tickets made at one moment, their warnings all due 1.5 s later. Each its own caller, so that none
        // is merged into another as a duplicate.
        var storm = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in Enumerable.Range(0, Storm).Chunk(50))
        {
            var made = await Task.WhenAll(chunk.Select(async i =>
            {
                var request = Requests.ContactJudge(caseNumber);
                request.Caller.Phone = $"1370{i:D7}";
                return (await engine.Intake.SubmitTicketAsync(request)).Ticket.TicketId;
            }));
            storm.UnionWith(made);
        }

        Assert.Equal(Storm, storm.Count);

        // A ticket made a second later: its warning is due a second after the storm's.
        clock.SetUtcNow(start.AddSeconds(1));
        var ordinaryRequest = Requests.ContactJudge(caseNumber);
        ordinaryRequest.Caller.Phone = "13800000001";
        var ordinary = (await engine.Intake.SubmitTicketAsync(ordinaryRequest)).Ticket.TicketId;

        using var warnings = Subscribe(engine, "deadline.warning");
        clock.SetUtcNow(start.AddSeconds(1.6));
        var seen = await EventStreams.ReadEventsAsync(warnings, e => e.Count > 0);
        Assert.Contains(seen[0].AggregateId, storm);

        // The storm drains one wake at a time; the ordinary step comes due while it does.
        clock.SetUtcNow(start.AddSeconds(2.6));
        seen = await EventStreams.ReadEventsAsync(warnings, e => e.Any(x => x.AggregateId == ordinary), seen);
        var stormBefore = seen.Count(e => storm.Contains(e.AggregateId));
        // Behind the storm (the shards drain it in parallel, one wake at a time in the silo), it would have fired after
        // nearly all of it; ahead of the backlog, within a look or two.
        Assert.True(stormBefore < Storm / 2, $"the ordinary step fired after {stormBefore} of the storm's {Storm} steps, which were due a second before it");

        seen = await EventStreams.ReadEventsAsync(warnings, e => e.Count(x => storm.Contains(x.AggregateId)) == Storm, seen, patience: TimeSpan.FromMinutes(2));
        Assert.Equal(Storm + 1, seen.Count);
        Assert.Equal(Storm + 1, seen.Select(e => e.AggregateId).Distinct().Count());
    }

    private static AsyncServerStreamingCall<V1.SubscribeResponse> Subscribe(EngineInstance engine, params string[] types) =>
        new V1.EventService.EventServiceClient(engine.Channel).Subscribe(new V1.SubscribeRequest { FromSequence = 0, Filter = new V1.EventFilter { CourtIds = { Court }, EventTypes = { types } } });
}
