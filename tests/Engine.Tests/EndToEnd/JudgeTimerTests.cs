using System.Globalization;
using Engine.Domain;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// A judge grain's own timers on a fake clock, through the gRPC API of a running engine on a SQLite file: the morning
/// list (judge.digest) on the working days of the 2026 calendar (none in the National Day holiday, one on the make-up
/// Saturday 10 October), once a day across a restart, none for a judge with nothing pending; and a leave's start and
/// end, each once, across a restart.
/// </summary>
public sealed class JudgeTimerTests
{
    private const string Court = "sh-pudong";
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly string Judge1 = SampleDirectory.JudgeId(Court, "civil-1", 1);
    private static readonly string Judge2 = SampleDirectory.JudgeId(Court, "civil-1", 2);

    [Fact]
    public async Task The_morning_list_comes_once_on_each_working_day_skips_holidays_comes_on_a_make_up_day_and_survives_a_restart()
    {
        var clock = new FakeTimeProvider(Local("2026-09-29 09:00"));
        await using var engine = await StartAsync(clock);
        var ticket = await ContactJudgeAsync(engine);
        using (var digests = Subscribe(engine, "judge.digest"))
        {
            clock.SetUtcNow(Local("2026-09-30 08:30"));
            var first = Digest(await ReadDigestAsync(digests, "2026-09-30"));
            Assert.Equal([ticket.TicketId], first.DueToday);
            Assert.Equal((1, 0, 0, 1), (first.DueTodayCount, first.OverdueCount, first.UrgedCount, first.OpenTickets));
        }

        var after = await GetJudgeAsync(engine, Judge1);
        Assert.Equal("2026-09-30", after.LastListDay);
        Assert.Equal(Local("2026-10-08 08:30"), after.NextListAt.ToDateTimeOffset());
        Assert.Equal((1, 1), (after.Workload.OpenTickets, after.Workload.DueToday));

        // A judge with nothing pending had their wake (their row moved on) and no list.
        await Eventually.TrueAsync(async () => (await GetJudgeAsync(engine, Judge2)).NextWakeAt.ToDateTimeOffset() > Local("2026-09-30 08:30"), "judge 2's timer to move past today's list");
        Assert.Equal(0, DigestCount(engine, Judge2));

        await engine.RestartAsync();
        Assert.Equal("2026-09-30", (await GetJudgeAsync(engine, Judge1)).LastListDay);
        using (var digests = Subscribe(engine, "judge.digest"))
        {
            foreach (var (day, next) in new[] { ("2026-10-08", "2026-10-09"), ("2026-10-09", "2026-10-10"), ("2026-10-10", "2026-10-12") })
            {
                clock.SetUtcNow(Local(day + " 08:30"));
                var list = Digest(await ReadDigestAsync(digests, day));
                Assert.Equal([ticket.TicketId], list.Overdue);
                Assert.Equal(Local(next + " 08:30"), (await GetJudgeAsync(engine, Judge1)).NextListAt.ToDateTimeOffset());
            }
        }

        Assert.Equal(4, DigestCount(engine, Judge1));
        var workload = (await GetJudgeAsync(engine, Judge1)).Workload;
        Assert.Equal((1, 1, 1), (workload.OpenTickets, workload.Overdue, workload.Urged));
    }

    [Fact]
    public async Task A_leave_starts_and_ends_on_time_once_each_across_a_restart()
    {
        var clock = new FakeTimeProvider(Local("2026-09-29 09:00"));
        await using var engine = await StartAsync(clock);
        var ticket = await ContactJudgeAsync(engine);
        await engine.Directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest
        {
            JudgeId = Judge1,
            Availability = new V1.Availability
            {
                LeaveFrom = Timestamp.FromDateTimeOffset(Local("2026-09-29 10:00")), LeaveTo = Timestamp.FromDateTimeOffset(Local("2026-09-29 12:00")), DelegateJudgeId = Judge2,
            },
        });
        Assert.Equal(Local("2026-09-29 10:00"), (await GetJudgeAsync(engine, Judge1)).NextWakeAt.ToDateTimeOffset());

        using (var edges = Subscribe(engine, "judge.leave_started", "judge.leave_ended"))
        {
            clock.SetUtcNow(Local("2026-09-29 10:00"));
            var started = (await EventStreams.ReadEventsAsync(edges, e => e.Count > 0)).Single();
            Assert.Equal(("judge.leave_started", 1), (started.EventType, started.Payload.Unpack<V1.JudgeLeaveStarted>().TicketsMoved));
        }

        Assert.Equal(Judge2, (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket.Assignee.Id);
        var onLeave = await GetJudgeAsync(engine, Judge1);
        Assert.True(onLeave.OnLeave);
        Assert.Equal(Local("2026-09-29 12:00"), onLeave.NextWakeAt.ToDateTimeOffset());

        await engine.RestartAsync();
        using (var edges = Subscribe(engine, "judge.leave_ended"))
        {
            clock.SetUtcNow(Local("2026-09-29 12:00"));
            await EventStreams.ReadEventsAsync(edges, e => e.Count > 0);
        }

        Assert.False((await GetJudgeAsync(engine, Judge1)).OnLeave);
        Assert.Equal(1L, EngineDatabase.Scalar(engine.DataDirectory, $"SELECT count(*) FROM events WHERE aggregate_id = 'judge/{Judge1}' AND event_type = 'judge.leave_started'"));
        Assert.Equal(1L, EngineDatabase.Scalar(engine.DataDirectory, $"SELECT count(*) FROM events WHERE aggregate_id = 'judge/{Judge1}' AND event_type = 'judge.leave_ended'"));
    }

    [Fact]
    public async Task Get_judge_answers_not_found_for_someone_not_in_the_directory()
    {
        var clock = new FakeTimeProvider(Local("2026-09-29 09:00"));
        await using var engine = await StartAsync(clock);
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await engine.Directory.GetJudgeAsync(new V1.GetJudgeRequest { JudgeId = "nobody" }));
        await RpcAssert.InvalidFieldAsync("judge_id", async () => await engine.Directory.GetJudgeAsync(new V1.GetJudgeRequest()));
    }

    private static async Task<EngineInstance> StartAsync(FakeTimeProvider clock)
    {
        var engine = await EngineInstance.StartWithServicesAsync(services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock));
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        return engine;
    }

    private static async Task<V1.Ticket> ContactJudgeAsync(EngineInstance engine)
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", Judge1));
        return (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
    }

    private static async Task<V1.GetJudgeResponse> GetJudgeAsync(EngineInstance engine, string judgeId) =>
        await engine.Directory.GetJudgeAsync(new V1.GetJudgeRequest { JudgeId = judgeId });

    private static AsyncServerStreamingCall<V1.SubscribeResponse> Subscribe(EngineInstance engine, params string[] types) =>
        new V1.EventService.EventServiceClient(engine.Channel).Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { CourtIds = { Court }, EventTypes = { types } } });

    private static async Task<V1.Event> ReadDigestAsync(AsyncServerStreamingCall<V1.SubscribeResponse> digests, string day)
    {
        var events = await EventStreams.ReadEventsAsync(digests, e => e.Any(x => x.AggregateId == "judge/" + Judge1 && Digest(x).Day == day));
        return events.Single(x => x.AggregateId == "judge/" + Judge1 && Digest(x).Day == day);
    }

    private static V1.JudgeDigest Digest(V1.Event e) => e.Payload.Unpack<V1.JudgeDigest>();

    private static long DigestCount(EngineInstance engine, string judgeId) =>
        EngineDatabase.Scalar(engine.DataDirectory, $"SELECT count(*) FROM events WHERE aggregate_id = 'judge/{judgeId}' AND event_type = 'judge.digest'");

    private static DateTimeOffset Local(string text) =>
        new(DateTime.ParseExact(text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None), Shanghai);
}
