using System.Globalization;
using Engine.Contracts.Grains;
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
/// The year end on a fake clock, through the gRPC API of a running engine that has calendars for 2025 and 2026 only:
/// tickets whose ladders reach into 2027 keep every step (the 2027 ones provisional), the steps of 2026 fire on time,
/// and when the court puts a 2027 calendar during the run, pending steps move to their exact times (a step moved into
/// the past fires at once), and nothing fires twice. The 2027 calendars here are made up for the tests.
/// </summary>
public sealed class YearEndTests
{
    private const string Court = "sh-pudong";
    private static readonly string[] StepTypes = ["deadline.warning", "deadline.urging", "deadline.supervision", "deadline.special_supervision"];

    /// <summary>Not the published 2027 calendar: New Year's Day and a bridging Monday, 4 January, off.</summary>
    private const string BridgingMonday = """
        { "about": "test calendar", "year": 2027, "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-04" } ], "workdays": [] }
        """;

    [Fact]
    public async Task Ladders_across_the_year_end_are_kept_and_move_to_their_exact_times_when_the_calendar_arrives()
    {
        var clock = new FakeTimeProvider(Local("2026-12-28 09:00"));
        await using var engine = await StartAsync(clock);
        var contact = await ContactJudgeAsync(engine);
        var suggestion = await SubmitAsync(engine, V1.TicketKind.Suggestion, V1.TicketSubKind.SuggestionOpinion);
        var filing = await SubmitAsync(engine, V1.TicketKind.OnlineFiling, V1.TicketSubKind.Unspecified);

        // Before the calendar: whole ladders, the parts counted across 2027 provisional. Online filing is due in 7
        // calendar days, which need no calendar; its supervision (a working day after) does.
        Assert.Equal(
            [
                (V1.DeadlineKind.Warning, Local("2026-12-28 16:07:30"), false), (V1.DeadlineKind.Reply, Local("2026-12-29 09:00"), false),
                (V1.DeadlineKind.Supervision, Local("2026-12-30 09:00"), false), (V1.DeadlineKind.SpecialSupervision, Local("2027-01-04 09:00"), true),
            ],
            Steps(contact));
        Assert.Equal([2027], contact.Clock.ProvisionalYears);
        Assert.Equal(Local("2027-01-05 09:00"), suggestion.Clock.ReplyDueAt.ToDateTimeOffset());
        Assert.True(suggestion.Clock.ReplyDueProvisional);
        Assert.Equal(Local("2027-01-04 09:00"), filing.Clock.ReplyDueAt.ToDateTimeOffset());
        Assert.False(filing.Clock.ReplyDueProvisional);
        Assert.True(filing.Deadlines.Single(d => d.Kind == V1.DeadlineKind.Supervision).Provisional);

        using var events = Subscribe(engine, [.. StepTypes, "ticket.deadline_replanned"]);
        var seen = new List<V1.Event>();
        clock.SetUtcNow(Local("2026-12-31 12:00"));
        await EventStreams.ReadEventsAsync(events, e => Fired(e, contact.TicketId).Count == 3, seen);

        var put = await Calendars(engine).PutCalendarAsync(new V1.PutCalendarRequest { Json = BridgingMonday });
        Assert.True(put.Changed);
        await EventStreams.ReadEventsAsync(events, e => e.Count(x => x.EventType == "ticket.deadline_replanned") == 3, seen);

        var replanned = await GetAsync(engine, contact.TicketId);
        Assert.Equal(
            [
                (V1.DeadlineKind.Warning, Local("2026-12-28 16:07:30"), false), (V1.DeadlineKind.Reply, Local("2026-12-29 09:00"), false),
                (V1.DeadlineKind.Supervision, Local("2026-12-30 09:00"), false), (V1.DeadlineKind.SpecialSupervision, Local("2027-01-05 09:00"), false),
            ],
            Steps(replanned));
        Assert.Empty(replanned.Clock.ProvisionalYears);
        Assert.Equal(put.Stored.Change, replanned.Clock.CalendarVersion);
        Assert.Equal(Steps(contact).Take(3).Select(s => s.Due), replanned.Deadlines.Where(d => d.FiredAt is not null).Select(d => d.DueAt.ToDateTimeOffset()));
        Assert.Contains(replanned.History, h => h.Action == "deadline-replanned" && h.Actor == "engine");
        var moved = seen.Single(e => e.EventType == "ticket.deadline_replanned" && e.AggregateId == contact.TicketId).Payload.Unpack<V1.TicketDeadlineReplanned>();
        Assert.Equal((1, 0), (moved.StepsMoved, moved.StillProvisional));

        var suggestionNow = await GetAsync(engine, suggestion.TicketId);
        Assert.Equal(Local("2027-01-06 09:00"), suggestionNow.Clock.ReplyDueAt.ToDateTimeOffset());
        Assert.False(suggestionNow.Clock.ReplyDueProvisional);
        var filingNow = await GetAsync(engine, filing.TicketId);
        Assert.Equal(Local("2027-01-04 09:00"), filingNow.Clock.ReplyDueAt.ToDateTimeOffset());
        Assert.Equal(Local("2027-01-05 17:30"), filingNow.Deadlines.Single(d => d.Kind == V1.DeadlineKind.Supervision).DueAt.ToDateTimeOffset());

        // Into the new year: the special supervision comes on Tuesday at its new time, not on the Monday it had.
        clock.SetUtcNow(Local("2027-01-05 09:30"));
        await EventStreams.ReadEventsAsync(events, e => Fired(e, contact.TicketId).Count == 4, seen);
        var special = Fired(seen, contact.TicketId).Single(e => e.EventType == "deadline.special_supervision").Payload.Unpack<V1.DeadlineStepFired>();
        Assert.Equal(Local("2027-01-05 09:00"), special.DueAt.ToDateTimeOffset());
        Assert.All(Fired(seen, contact.TicketId).GroupBy(e => e.EventType), g => Assert.Single(g));
    }

    [Fact]
    public async Task A_step_the_calendar_moves_into_the_past_fires_at_once_and_only_once()
    {
        var clock = new FakeTimeProvider(Local("2026-12-30 09:00"));
        await using var engine = await StartAsync(clock);
        var ticket = await ContactJudgeAsync(engine);
        Assert.Equal(Local("2027-01-04 09:00"), ticket.Deadlines.Single(d => d.Kind == V1.DeadlineKind.Supervision).DueAt.ToDateTimeOffset());
        using var events = Subscribe(engine, StepTypes);
        var seen = new List<V1.Event>();
        clock.SetUtcNow(Local("2027-01-02 12:00"));
        await EventStreams.ReadEventsAsync(events, e => Fired(e, ticket.TicketId).Count == 2, seen);

        // Saturday 2 January made a working day: supervision was due this morning.
        await Calendars(engine).PutCalendarAsync(new V1.PutCalendarRequest
        {
            Calendar = new V1.WorkingCalendar
            {
                Year = 2027, About = "test calendar",
                Holidays = { new V1.HolidayPeriod { Name = "元旦", From = "2027-01-01", To = "2027-01-01" } },
                Workdays = { "2027-01-02" },
            },
        });
        await EventStreams.ReadEventsAsync(events, e => Fired(e, ticket.TicketId).Count == 3, seen);
        var supervision = Fired(seen, ticket.TicketId).Single(e => e.EventType == "deadline.supervision").Payload.Unpack<V1.DeadlineStepFired>();
        Assert.Equal(Local("2027-01-02 09:00"), supervision.DueAt.ToDateTimeOffset());

        // Counting again, and putting the same calendar again, fire nothing more.
        Assert.Equal(0, await engine.Services.GetRequiredService<IClusterClient>().GetGrain<ICalendarSweepGrain>(0).SweepAsync());
        Assert.False((await Calendars(engine).PutCalendarAsync(new V1.PutCalendarRequest { Json = Json2027(workday: "2027-01-02") })).Changed);
        var shown = await GetAsync(engine, ticket.TicketId);
        Assert.Equal(3, shown.Deadlines.Count(d => d.FiredAt is not null));
        Assert.Equal(1, shown.History.Count(h => h.Action == "deadline.supervision"));
    }

    [Fact]
    public async Task A_year_with_no_calendar_says_so_in_the_list_and_a_put_calendar_survives_a_restart()
    {
        var clock = new FakeTimeProvider(Local("2026-11-20 09:00"));
        await using var engine = await StartAsync(clock);

        var before = await Calendars(engine).ListCalendarsAsync(new V1.ListCalendarsRequest());
        Assert.Equal([2025, 2026], before.Calendars.Select(c => c.Calendar.Year));
        Assert.All(before.Calendars, c => Assert.Equal("built-in", c.Source));
        Assert.Equal([2027], before.ProvisionalYears);
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await Calendars(engine).GetCalendarAsync(new V1.GetCalendarRequest { Year = 2027 }));

        var put = await Calendars(engine).PutCalendarAsync(new V1.PutCalendarRequest { Json = BridgingMonday });
        await engine.RestartAsync();

        var after = await Calendars(engine).ListCalendarsAsync(new V1.ListCalendarsRequest());
        Assert.Equal([2025, 2026, 2027], after.Calendars.Select(c => c.Calendar.Year));
        Assert.Empty(after.ProvisionalYears);
        Assert.Equal(put.Stored, (await Calendars(engine).GetCalendarAsync(new V1.GetCalendarRequest { Year = 2027 })).Stored);
        Assert.Equal(put.Stored.Change, after.Version);
        Assert.Equal(["2027-01-01", "2027-01-04"], new[] { put.Stored.Calendar.Holidays[0].From, put.Stored.Calendar.Holidays[0].To });
    }

    [Fact]
    public async Task A_bad_calendar_is_refused_naming_the_date_and_nothing_is_stored()
    {
        var clock = new FakeTimeProvider(Local("2026-11-20 09:00"));
        await using var engine = await StartAsync(clock);
        var calendars = Calendars(engine);

        async Task RefusedAsync(string field, V1.WorkingCalendar calendar) =>
            await RpcAssert.InvalidFieldAsync(field, async () => await calendars.PutCalendarAsync(new V1.PutCalendarRequest { Calendar = calendar }));

        static V1.WorkingCalendar Year(params string[] workdays) => new()
        {
            Year = 2027, Holidays = { new V1.HolidayPeriod { Name = "元旦", From = "2027-01-01", To = "2027-01-03" } }, Workdays = { workdays },
        };

        await RefusedAsync("calendar.workdays[0]", Year("2027-01-06"));
        await RefusedAsync("calendar.workdays[1]", Year("2027-01-09", "2027-01-02"));
        await RefusedAsync("calendar.workdays[0]", Year("2028-01-08"));
        await RefusedAsync("calendar.workdays[0]", Year("2027-1-9"));
        await RefusedAsync("calendar.holidays[0].to", new V1.WorkingCalendar { Year = 2027, Holidays = { new V1.HolidayPeriod { Name = "春节", From = "2027-02-10", To = "2027-02-05" } } });
        await RefusedAsync("calendar.holidays[0].name", new V1.WorkingCalendar { Year = 2027, Holidays = { new V1.HolidayPeriod { Name = "", From = "2027-02-05", To = "2027-02-10" } } });
        await RefusedAsync("calendar.year", new V1.WorkingCalendar { Year = 1999 });
        await RpcAssert.InvalidFieldAsync("json", async () => await calendars.PutCalendarAsync(new V1.PutCalendarRequest { Json = "{ not json" }));
        await RpcAssert.InvalidFieldAsync("json.workdays[0]", async () => await calendars.PutCalendarAsync(new V1.PutCalendarRequest { Json = """{ "year": 2027, "holidays": [], "workdays": ["2027-01-05"] }""" }));
        await RpcAssert.InvalidFieldAsync("calendar", async () => await calendars.PutCalendarAsync(new V1.PutCalendarRequest()));

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await calendars.PutCalendarAsync(new V1.PutCalendarRequest { Calendar = Year("2027-01-06") }));
        Assert.Contains("2027-01-06 is a Wednesday", ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations[0].Description, StringComparison.Ordinal);
        Assert.Equal([2025, 2026], (await calendars.ListCalendarsAsync(new V1.ListCalendarsRequest())).Calendars.Select(c => c.Calendar.Year));
    }

    [Fact]
    public async Task Putting_a_calendar_is_for_admins_audited_and_published_once()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var admin = engine.AdminKey();
        var channel = await engine.CreateKeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Web } });
        var asAdmin = new V1.CalendarService.CalendarServiceClient(engine.As(admin));
        var asChannel = new V1.CalendarService.CalendarServiceClient(engine.As(channel));

        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, async () => await asChannel.PutCalendarAsync(new V1.PutCalendarRequest { Json = BridgingMonday }));
        var first = await asAdmin.PutCalendarAsync(new V1.PutCalendarRequest { Json = BridgingMonday });
        var again = await asAdmin.PutCalendarAsync(new V1.PutCalendarRequest { Json = BridgingMonday });

        Assert.True(first.Changed);
        Assert.False(again.Changed);
        Assert.Equal(first.Stored, again.Stored);
        Assert.Equal("api", first.Stored.Source);
        Assert.Equal(2027, (await asChannel.GetCalendarAsync(new V1.GetCalendarRequest { Year = 2027 })).Stored.Calendar.Year);
        var audit = await engine.Access(admin).ListAuditLogAsync(new V1.ListAuditLogRequest());
        Assert.Equal(2, audit.Entries.Count(e => e.Action == "engine.v1.CalendarService/PutCalendar" && e.Outcome == "OK"));

        using var stream = new V1.EventService.EventServiceClient(engine.As(admin)).Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { EventTypes = { "calendar.year_set" } } });
        var published = await EventStreams.ReadEventsAsync(stream, e => e.Any(x => x.AggregateId == "calendar/2027"));
        var set = published.Single(e => e.AggregateId == "calendar/2027");
        Assert.Equal(first.Stored, set.Payload.Unpack<V1.CalendarYearSet>().Stored);
        Assert.Equal(1, set.AggregateVersion);
    }

    private static string Json2027(string workday) =>
        $$"""{ "about": "test calendar", "year": 2027, "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-01" } ], "workdays": ["{{workday}}"] }""";

    private static Task<EngineInstance> StartAsync(FakeTimeProvider clock) => StartWithSampleAsync(clock, "--Engine:Deadlines:CalendarRefreshInterval=00:00:00.200");

    private static Task<EngineInstance> StartWithSampleAsync(FakeTimeProvider clock, params string[] args) => EngineInstance.StartOnClockAsync(clock, args);

    private static async Task<V1.Ticket> ContactJudgeAsync(EngineInstance engine)
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        return (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
    }

    private static async Task<V1.Ticket> SubmitAsync(EngineInstance engine, V1.TicketKind kind, V1.TicketSubKind subKind)
    {
        var request = Requests.ContactJudge(string.Empty);
        request.Kind = kind;
        request.SubKind = subKind;
        request.CourtId = Court;
        request.Channel = V1.Channel.Web;
        return (await engine.Intake.SubmitTicketAsync(request)).Ticket;
    }

    private static V1.CalendarService.CalendarServiceClient Calendars(EngineInstance engine) => new(engine.Channel);

    private static async Task<V1.Ticket> GetAsync(EngineInstance engine, string ticketId) =>
        (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticketId })).Ticket;

    private static AsyncServerStreamingCall<V1.SubscribeResponse> Subscribe(EngineInstance engine, string[] types) =>
        new V1.EventService.EventServiceClient(engine.Channel).Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { CourtIds = { Court }, EventTypes = { types } } });

    private static List<V1.Event> Fired(IEnumerable<V1.Event> events, string ticketId) =>
        [.. events.Where(e => e.AggregateId == ticketId && StepTypes.Contains(e.EventType))];

    private static IEnumerable<(V1.DeadlineKind Kind, DateTimeOffset Due, bool Provisional)> Steps(V1.Ticket ticket) =>
        ticket.Deadlines.Select(d => (d.Kind, d.DueAt.ToDateTimeOffset(), d.Provisional));
}
