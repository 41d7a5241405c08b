using System.Globalization;
using Engine.Domain;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// A case's hearing reminders (case.hearing_reminder, decision 62) on a fake clock, through the gRPC API of a running
/// engine on a SQLite file, on the 2026 calendar: once to each party and agent at 09:00 the working day before (over the
/// National Day holiday, on the make-up Saturday), moved by a reschedule, called off by a postponement or a cancellation,
/// at once when the hearing is nearer than that, none for a hearing that has begun; at once and alone for a party who
/// joins after the others were reminded; none for a case moved to another court or closed; once across a restart
/// before it is due and a restart right after it fired; bad input names the field.
/// </summary>
public sealed class HearingReminderTests
{
    private const string Court = "sh-pudong";

    [Fact]
    public async Task A_reminder_goes_once_to_each_party_and_agent_at_nine_the_working_day_before_across_the_holiday_and_two_restarts()
    {
        var clock = new FakeTimeProvider(Local("2026-09-29 10:00"));
        await using var engine = await StartAsync(clock);
        var number = await CaseAsync(engine);
        await ScheduleAsync(engine, number, "HEARING_SCHEDULED", "2026-10-08 10:00", "第三法庭");
        Assert.Equal(Local("2026-09-30 09:00"), Wake(engine, number));

        await engine.RestartAsync();
        using (var reminders = Subscribe(engine))
        {
            clock.SetUtcNow(Local("2026-09-30 09:00"));
            var sent = await ReadAsync(reminders, number, 3);
            Assert.Equal(["代理人", "原告", "被告"], sent.Select(r => r.Party.Name).Order());
            Assert.All(sent, r =>
            {
                Assert.Equal((Court, "2026-10-08 10:00", "第三法庭", string.Empty), (r.CourtId, r.HearingLocalTime, r.Place, r.HearingId));
                Assert.Equal(Local("2026-10-08 10:00"), r.HearingAt.ToDateTimeOffset());
                Assert.False(string.IsNullOrEmpty(r.CourtName));
            });
            Assert.Equal(3, sent.Select(r => r.ReminderKey).Distinct().Count());
        }

        await Eventually.TrueAsync(() => Wake(engine, number) is null, "the case's timer to be done once everyone was reminded");

        // A restart right after the reminders, with the row left due as a crash before it was set again would leave it:
        // the wake finds everyone reminded and sends nothing.
        await engine.RestartAsync();
        EngineDatabase.Execute(engine.DataDirectory, $"INSERT INTO due_timers (owner_key, due_at_ms, due_shard) VALUES ('case:{number}', 0, 3)");
        await Eventually.TrueAsync(() => Wake(engine, number) is null, "the early wake to find nothing to send");
        Assert.Equal(3, ReminderCount(engine, number));
    }

    [Fact]
    public async Task A_reschedule_moves_the_reminder_a_postponement_calls_it_off_and_a_make_up_saturday_counts()
    {
        var clock = new FakeTimeProvider(Local("2026-09-29 10:00"));
        await using var engine = await StartAsync(clock);
        var number = await CaseAsync(engine);
        var cancelled = await CaseAsync(engine);
        await ScheduleAsync(engine, number, "HEARING_SCHEDULED", "2026-10-12 09:30", "第一法庭");
        Assert.Equal(Local("2026-10-10 09:00"), Wake(engine, number));
        await ScheduleAsync(engine, number, "HEARING_SCHEDULED", "2026-10-08 10:00", "第一法庭");
        Assert.Equal(Local("2026-09-30 09:00"), Wake(engine, number));
        await ScheduleAsync(engine, cancelled, "HEARING_SCHEDULED", "2026-10-08 10:00", null);
        await engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = cancelled, Node = Node("WITHDRAWN", null) });
        Assert.Null(Wake(engine, cancelled));

        using (var reminders = Subscribe(engine))
        {
            clock.SetUtcNow(Local("2026-09-30 09:00"));
            Assert.All(await ReadAsync(reminders, number, 3), r => Assert.Equal("2026-10-08 10:00", r.HearingLocalTime));
        }

        clock.SetUtcNow(Local("2026-09-30 12:00"));
        await engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = number, Node = Node("POSTPONED", null) });
        Assert.Null(Wake(engine, number));

        // Set again for the Monday after the make-up Saturday: the parties hear of the new time on that Saturday.
        await ScheduleAsync(engine, number, "HEARING_SCHEDULED", "2026-10-12 09:30", "第一法庭");
        Assert.Equal(Local("2026-10-10 09:00"), Wake(engine, number));
        using (var reminders = Subscribe(engine))
        {
            clock.SetUtcNow(Local("2026-10-10 09:00"));
            Assert.Equal(3, (await ReadAsync(reminders, number, 3, r => r.HearingLocalTime == "2026-10-12 09:30")).Count);
        }

        Assert.Equal(6, ReminderCount(engine, number));
        Assert.Equal(0, ReminderCount(engine, cancelled));
    }

    [Fact]
    public async Task A_calendar_put_after_the_hearing_was_planned_moves_its_reminder()
    {
        // The engine has calendars up to 2026: a hearing on Tuesday 5 January 2027 is reminded on the Monday, 2027 being
        // counted provisionally (weekends off) until its calendar is put.
        var clock = new FakeTimeProvider(Local("2026-12-29 10:00"));
        await using var engine = await EngineInstance.StartOnClockAsync(clock, "--Engine:Deadlines:CalendarRefreshInterval=00:00:00.200");
        var number = await CaseAsync(engine);
        await ScheduleAsync(engine, number, "HEARING_SCHEDULED", "2027-01-05 10:00", "第三法庭");
        Assert.Equal(Local("2027-01-04 09:00"), Wake(engine, number));

        // 2027's calendar (made up for the test) takes 1-4 January off: the working day before is Thursday 31 December.
        await new V1.CalendarService.CalendarServiceClient(engine.Channel).PutCalendarAsync(new V1.PutCalendarRequest
        {
            Calendar = new V1.WorkingCalendar { Year = 2027, About = "test calendar", Holidays = { new V1.HolidayPeriod { Name = "元旦", From = "2027-01-01", To = "2027-01-04" } } },
        });
        await Eventually.TrueAsync(() => Wake(engine, number) == Local("2026-12-31 09:00"), "the reminder to move to the working day before the new holiday");
        using var reminders = Subscribe(engine);
        clock.SetUtcNow(Local("2026-12-31 09:00"));
        Assert.All(await ReadAsync(reminders, number, 3), r => Assert.Equal("2027-01-05 10:00", r.HearingLocalTime));
        Assert.Equal(3, ReminderCount(engine, number));
    }

    [Fact]
    public async Task A_party_who_joins_after_the_reminders_is_reminded_once_alone_and_a_moved_or_closed_case_reminds_no_one()
    {
        var clock = new FakeTimeProvider(Local("2026-09-29 10:00"));
        await using var engine = await StartAsync(clock);
        var number = await CaseAsync(engine);
        var moved = await CaseAsync(engine);
        var closed = await CaseAsync(engine);
        foreach (var each in new[] { number, moved, closed })
        {
            await ScheduleAsync(engine, each, "HEARING_SCHEDULED", "2026-10-08 10:00", "第一法庭");
            Assert.Equal(Local("2026-09-30 09:00"), Wake(engine, each));
        }

        await engine.Cases.MoveCaseAsync(new V1.MoveCaseRequest { CaseNumber = moved, ToCourtId = "sh-1st-int", Reason = "上诉" });
        var close = Parties(Requests.Case(closed, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        close.Case.Status = V1.CaseStatus.Closed;
        await engine.Cases.UpsertCaseAsync(close);
        Assert.Null(Wake(engine, moved));
        Assert.Null(Wake(engine, closed));

        using (var reminders = Subscribe(engine))
        {
            clock.SetUtcNow(Local("2026-09-30 09:00"));
            await ReadAsync(reminders, number, 3);
        }

        await Eventually.TrueAsync(() => Wake(engine, number) is null, "the case's timer to be done once everyone was reminded");

        // A third party joins during the holiday, before the hearing: they hear of it at once, and only they do.
        clock.SetUtcNow(Local("2026-10-02 11:00"));
        var joined = Parties(Requests.Case(number, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        joined.Case.Parties.Add(new V1.Party { Name = "第三人", Role = V1.PartyRole.ThirdParty, Phone = "13900000104" });
        await engine.Cases.UpsertCaseAsync(joined);
        using (var reminders = Subscribe(engine))
        {
            var late = Assert.Single(await ReadAsync(reminders, number, 1, r => r.Party.Name == "第三人"));
            Assert.Equal("2026-10-08 10:00", late.HearingLocalTime);
        }

        await Eventually.TrueAsync(() => Wake(engine, number) is null, "the case's timer to be done once the new party was reminded");
        await engine.RestartAsync();
        Assert.Equal(4, ReminderCount(engine, number));
        Assert.Equal(0, ReminderCount(engine, moved));
        Assert.Equal(0, ReminderCount(engine, closed));
    }

    [Fact]
    public async Task A_hearing_nearer_than_the_lead_is_reminded_at_once_one_that_has_begun_never_and_bad_input_names_the_field()
    {
        var clock = new FakeTimeProvider(Local("2026-09-30 15:00"));
        await using var engine = await StartAsync(clock);
        var number = await CaseAsync(engine);
        var past = await CaseAsync(engine);
        await ScheduleAsync(engine, past, "HEARING_SCHEDULED", "2026-09-30 14:00", null);
        Assert.Null(Wake(engine, past));

        using (var reminders = Subscribe(engine))
        {
            await ScheduleAsync(engine, number, "HEARING_SCHEDULED", "2026-10-08 10:00", null);
            Assert.All(await ReadAsync(reminders, number, 3), r => Assert.Equal(string.Empty, r.Place));
        }

        await RpcAssert.InvalidFieldAsync("node.hearing", async () =>
            await engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = number, Node = Node("FILED", new V1.Hearing { At = Time("2026-10-08 10:00") }) }));
        await RpcAssert.InvalidFieldAsync("node.hearing.at", async () =>
            await engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = number, Node = Node("HEARING_SCHEDULED", new V1.Hearing { Place = "第一法庭" }) }));
        await RpcAssert.InvalidFieldAsync("node.hearing.at", async () =>
            await engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = number, Node = Node("WITHDRAWN", new V1.Hearing { At = Time("2026-10-08 10:00") }) }));
        await RpcAssert.InvalidFieldAsync("node.hearing.hearing_id", async () =>
            await engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = number, Node = Node("HEARING_SCHEDULED", new V1.Hearing { At = Time("2026-10-08 10:00"), HearingId = "first hearing" }) }));
        await RpcAssert.InvalidFieldAsync("node.hearing.at", async () =>
            await engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = number, Node = Node("HEARING_SCHEDULED", new V1.Hearing { At = new Timestamp { Seconds = 1 } }) }));
        var upsert = Parties(Requests.Case(number, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        upsert.Case.Nodes.Add(Node("FILED", null));
        upsert.Case.Nodes.Add(Node("HEARING_SCHEDULED", new V1.Hearing { Place = "第一法庭" }));
        await RpcAssert.InvalidFieldAsync("case.nodes[1].hearing.at", async () => await engine.Cases.UpsertCaseAsync(upsert));
        Assert.Equal(3, ReminderCount(engine, number));
    }

    private static Task<EngineInstance> StartAsync(FakeTimeProvider clock) => EngineInstance.StartOnClockAsync(clock);

    /// <summary>A case with a plaintiff, a defendant and the plaintiff's agent.</summary>
    internal static async Task<string> CaseAsync(EngineInstance engine)
    {
        var number = SharedEngine.NewCaseNumber();
        await engine.Cases.UpsertCaseAsync(Parties(Requests.Case(number, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1))));
        return number;
    }

    private static V1.UpsertCaseRequest Parties(V1.UpsertCaseRequest request)
    {
        request.Case.Parties.Clear();
        request.Case.Parties.Add(new V1.Party { Name = "原告", Role = V1.PartyRole.Plaintiff, Phone = "13900000101" });
        request.Case.Parties.Add(new V1.Party { Name = "被告", Role = V1.PartyRole.Defendant, Phone = "13900000102" });
        request.Case.Parties.Add(new V1.Party { Name = "代理人", Role = V1.PartyRole.Agent, Phone = "13900000103" });
        return request;
    }

    internal static async Task ScheduleAsync(EngineInstance engine, string number, string type, string at, string? place) =>
        await engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = number, Node = Node(type, new V1.Hearing { At = Time(at), Place = place ?? string.Empty }) });

    private static V1.CaseNode Node(string type, V1.Hearing? hearing) =>
        new() { NodeType = type, At = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddYears(56)), Detail = "开庭", Public = true, Hearing = hearing };

    internal static AsyncServerStreamingCall<V1.SubscribeResponse> Subscribe(EngineInstance engine) =>
        new V1.EventService.EventServiceClient(engine.Channel).Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { CourtIds = { Court }, EventTypes = { "case.hearing_reminder" } } });

    /// <summary>Reads the stream (from the start of the log) until it has <paramref name="count"/> reminders of the case
    /// (those that <paramref name="which"/> picks).</summary>
    internal static async Task<List<V1.CaseHearingReminder>> ReadAsync(
        AsyncServerStreamingCall<V1.SubscribeResponse> stream, string number, int count, Func<V1.CaseHearingReminder, bool>? which = null)
    {
        List<V1.CaseHearingReminder> Of(List<V1.Event> events) =>
            [.. events.Where(x => x.AggregateId == number).Select(x => x.Payload.Unpack<V1.CaseHearingReminder>()).Where(which ?? (_ => true))];
        return Of(await EventStreams.ReadEventsAsync(stream, e => Of(e).Count >= count));
    }

    /// <summary>The case's row of due_timers, or null when it has none.</summary>
    private static DateTimeOffset? Wake(EngineInstance engine, string number) =>
        EngineDatabase.Scalar(engine.DataDirectory, $"SELECT coalesce(max(due_at_ms), -1) FROM due_timers WHERE owner_key = 'case:{number}'") is var ms and >= 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(Shanghai)
            : null;

    private static long ReminderCount(EngineInstance engine, string number) =>
        EngineDatabase.Scalar(engine.DataDirectory, $"SELECT count(*) FROM events WHERE aggregate_id = '{number}' AND event_type = 'case.hearing_reminder'");

    private static Timestamp Time(string local) => Timestamp.FromDateTimeOffset(Local(local));
}
