using System.Globalization;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Grains;
using Engine.Grains.Judges;
using Engine.Storage.Events;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using V1 = Engine.V1;
using static Engine.Tests.Support.ShanghaiTime;

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
    public async Task A_judge_kept_by_the_older_version_takes_over_its_grain_state_once_and_logs_what_its_outbox_still_held()
    {
        var clock = new FakeTimeProvider(Local("2026-09-30 09:00"));
        await using var engine = await StartAsync(clock);
        await ContactJudgeAsync(engine);
        await Eventually.TrueAsync(async () => (await GetJudgeAsync(engine, Judge1)).NextWakeAt.ToDateTimeOffset() > clock.GetUtcNow(), "judge 1's first wake to be done");
        await engine.RestartAsync();

        // As the version before decision 63 left a judge that crashed between its state write and its events' append:
        // the timer state as Orleans grain state, the change's events in it, the outbox's mark, and no judge_timers row.
        EngineDatabase.Execute(engine.DataDirectory, $"DELETE FROM judge_timers WHERE judge_id = '{Judge1}'");
        var grain = engine.Services.GetRequiredService<IGrainFactory>().GetGrain<IJudgeGrain>(Judge1).GetGrainId();
        var leaveEnded = new EventRow(JudgeGrain.AggregateOf(Judge1), 5, 0, "judge.leave_ended", Local("2026-09-30 08:00"), "engine", Court, TicketKind.Unspecified,
            new V1.JudgeLeaveEnded { Judge = new V1.Judge { JudgeId = Judge1, CourtId = Court } }.ToByteArray());
        await engine.Services.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStateName).WriteStateAsync("judge", grain,
            new GrainState<JudgeState>(new JudgeState { LastListDay = "2026-09-30", Version = 5, Outbox = [leaveEnded] }));
        await engine.Services.GetRequiredService<IOutbox>().WriteAsync(OutboxWrite.Mark(JudgeGrain.OutboxType, Judge1, null));

        Assert.Equal("2026-09-30", (await GetJudgeAsync(engine, Judge1)).LastListDay);
        Assert.Equal(1L, EngineDatabase.Scalar(engine.DataDirectory, $"SELECT count(*) FROM events WHERE aggregate_id = 'judge/{Judge1}' AND aggregate_version = 5 AND event_type = 'judge.leave_ended'"));
        Assert.Equal(0L, EngineDatabase.Scalar(engine.DataDirectory, $"SELECT count(*) FROM outbox_pending WHERE grain_key = '{Judge1}'"));
        Assert.Equal(5L, EngineDatabase.Scalar(engine.DataDirectory, $"SELECT version FROM judge_timers WHERE judge_id = '{Judge1}'"));

        // From then on the row is the judge's: the next list is the next working day's, its events after version 5.
        using var digests = Subscribe(engine, "judge.digest");
        clock.SetUtcNow(Local("2026-10-08 08:30"));
        await ReadDigestAsync(digests, "2026-10-08");
        Assert.Equal(1L, DigestCount(engine, Judge1));
        Assert.Equal(6L, EngineDatabase.Scalar(engine.DataDirectory, $"SELECT aggregate_version FROM events WHERE aggregate_id = 'judge/{Judge1}' AND event_type = 'judge.digest'"));
    }

    [Fact]
    public async Task A_make_up_working_day_put_after_the_next_list_was_planned_brings_the_list_that_day()
    {
        // On Friday 8 January 2027 after the list, with 2027 counted provisionally (no calendar yet): next list Monday.
        var clock = new FakeTimeProvider(Local("2027-01-08 12:00"));
        await using var engine = await EngineInstance.StartOnClockAsync(clock, "--Engine:Deadlines:CalendarRefreshInterval=00:00:00.200");
        await Eventually.TrueAsync(async () => (await GetJudgeAsync(engine, Judge1)).NextWakeAt.ToDateTimeOffset() == Local("2027-01-11 08:30"), "judge 1's next list to be Monday's");

        // The 2027 calendar (made up for the test) makes Saturday 9 January a working day.
        await new V1.CalendarService.CalendarServiceClient(engine.Channel).PutCalendarAsync(new V1.PutCalendarRequest
        {
            Calendar = new V1.WorkingCalendar { Year = 2027, About = "test calendar", Holidays = { new V1.HolidayPeriod { Name = "元旦", From = "2027-01-01", To = "2027-01-01" } }, Workdays = { "2027-01-09" } },
        });
        await Eventually.TrueAsync(async () => (await GetJudgeAsync(engine, Judge1)).NextWakeAt.ToDateTimeOffset() == Local("2027-01-09 08:30"), "judge 1's next list to move to the make-up Saturday");
        await ContactJudgeAsync(engine);
        using var digests = Subscribe(engine, "judge.digest");
        clock.SetUtcNow(Local("2027-01-09 08:30"));
        await ReadDigestAsync(digests, "2027-01-09");
    }

    [Fact]
    public async Task Get_judge_answers_not_found_for_someone_not_in_the_directory()
    {
        var clock = new FakeTimeProvider(Local("2026-09-29 09:00"));
        await using var engine = await StartAsync(clock);
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await engine.Directory.GetJudgeAsync(new V1.GetJudgeRequest { JudgeId = "nobody" }));
        await RpcAssert.InvalidFieldAsync("judge_id", async () => await engine.Directory.GetJudgeAsync(new V1.GetJudgeRequest()));
    }

    private static Task<EngineInstance> StartAsync(FakeTimeProvider clock) => EngineInstance.StartOnClockAsync(clock);

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
}
