using Engine.Domain.Calendar;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Issue "Hardening", point 7: the times the engine writes for a court to read (refusals, history reasons) are in
/// the court's time zone with the offset, not in UTC: the default zone (Engine:Deadlines:TimeZone, Asia/Shanghai) or
/// the court's own (here Pudong's, set to Asia/Urumqi, +06:00, to tell the two apart).
/// </summary>
public sealed class CourtTimeTests(CourtTimeTests.Engine engine) : IClassFixture<CourtTimeTests.Engine>
{
    private const string OwnZoneCourt = "sh-pudong";
    private const string DefaultZoneCourt = "sh-jingan";
    private static readonly TimeZoneInfo Urumqi = TimeZoneInfo.FindSystemTimeZoneById("Asia/Urumqi");
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private readonly EngineInstance _engine = engine.Instance;

    [Fact]
    public void A_court_time_is_written_in_the_zone_with_its_offset_and_no_needless_fraction()
    {
        var at = new DateTimeOffset(2026, 12, 4, 15, 19, 31, 880, TimeSpan.Zero);

        Assert.Equal("2026-12-04T23:19:31.88+08:00", CourtTime.Format(at, Shanghai));
        Assert.Equal("2026-12-04T21:19:31.88+06:00", CourtTime.Format(at, Urumqi));
        Assert.Equal("2026-12-05T07:00:00+08:00", CourtTime.Format(new DateTimeOffset(2026, 12, 4, 23, 0, 0, TimeSpan.Zero), Shanghai));
    }

    [Fact]
    public async Task A_refused_extension_names_the_current_deadline_in_the_courts_own_zone()
    {
        var ticket = await ContactJudgeAsync(OwnZoneCourt);
        var current = ticket.Clock.ReplyDueAt.ToDateTimeOffset();

        var refused = await RpcAssert.InvalidFieldAsync("new_reply_deadline", async () => await _engine.Tickets.ExtendDeadlineAsync(Extension(ticket, DateTimeOffset.UtcNow.AddMinutes(1))));

        Assert.Contains($"({CourtTime.Format(current, Urumqi)})", refused.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith("+06:00)", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extension_is_recorded_with_its_new_deadline_in_the_courts_zone()
    {
        var ticket = await ContactJudgeAsync(OwnZoneCourt);
        var to = ticket.Clock.ReplyDueAt.ToDateTimeOffset().AddDays(10);

        var extended = (await _engine.Tickets.ExtendDeadlineAsync(Extension(ticket, to))).Ticket;

        Assert.Equal($"需调取卷宗 (approved by {SampleDirectory.VicePresidentId(OwnZoneCourt)}; new deadline {CourtTime.Format(to, Urumqi)})", extended.History[^1].Reason);
    }

    [Fact]
    public async Task A_second_pause_is_refused_saying_since_when_in_the_default_zone()
    {
        var ticket = await ContactJudgeAsync(DefaultZoneCourt);
        var judge = ticket.Assignee.Id;
        var paused = (await _engine.Tickets.PauseClockAsync(new V1.PauseClockRequest { TicketId = ticket.TicketId, Actor = judge, Reason = "待补充材料" })).Ticket;

        var refused = await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () =>
            await _engine.Tickets.PauseClockAsync(new V1.PauseClockRequest { TicketId = ticket.TicketId, Actor = judge, Reason = "again" }));

        Assert.Contains($"(since {CourtTime.Format(paused.Clock.PausedAt.ToDateTimeOffset(), Shanghai)})", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fired_step_is_recorded_with_when_it_was_due_in_the_courts_zone()
    {
        var request = Requests.ContactJudge(string.Empty);
        (request.Kind, request.SubKind, request.CourtId) = (V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, OwnZoneCourt);
        var ticket = (await _engine.Intake.SubmitTicketAsync(request)).Ticket;
        using var steps = new V1.EventService.EventServiceClient(_engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { CourtIds = { OwnZoneCourt }, EventTypes = { "deadline.urging" } },
        });

        var urging = (await EventStreams.ReadEventsAsync(steps, e => e.Any(x => x.AggregateId == ticket.TicketId)))
            .Single(e => e.AggregateId == ticket.TicketId).Payload.Unpack<V1.DeadlineStepFired>();
        var recorded = (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket.History.Single(h => h.Action == "deadline.urging");

        Assert.StartsWith($"due {CourtTime.Format(urging.DueAt.ToDateTimeOffset(), Urumqi)}; to ", recorded.Reason, StringComparison.Ordinal);
    }

    private async Task<V1.Ticket> ContactJudgeAsync(string court)
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, court, "civil-1", SampleDirectory.JudgeId(court, "civil-1", 1)));
        return (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
    }

    private static V1.ExtendDeadlineRequest Extension(V1.Ticket ticket, DateTimeOffset to) => new()
    {
        TicketId = ticket.TicketId, Actor = ticket.Assignee.Id, Approver = SampleDirectory.VicePresidentId(ticket.CourtId), Reason = "需调取卷宗",
        NewReplyDeadline = Timestamp.FromDateTimeOffset(to),
    };

    /// <summary>The sample directory; Pudong keeps its time in Asia/Urumqi, and its consultations are urged after two
    /// seconds (calendar time, so the zone does not move when).</summary>
    public sealed class Engine : IAsyncLifetime
    {
        public EngineInstance Instance { get; private set; } = null!;

        public async Task InitializeAsync() => Instance = await EngineInstance.StartWithSampleDirectoryAsync(
            $"--Engine:Deadlines:Courts:{OwnZoneCourt}:TimeZone=Asia/Urumqi",
            $"--Engine:Deadlines:Courts:{OwnZoneCourt}:Kinds:Consultation:Reply=2 seconds",
            $"--Engine:Deadlines:Courts:{OwnZoneCourt}:Kinds:Consultation:WarningShare=0");

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
