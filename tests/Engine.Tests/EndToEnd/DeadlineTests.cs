using Engine.Grains.Deadlines;
using Engine.Storage.Tickets;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Deadlines through the gRPC API on a running engine with drill policies in seconds: warning at 1.5 s, urging at
/// the 3 s reply deadline, supervision 1 s and special supervision 2 s after it. Steps fire once, in order, to the
/// recipients of the moment; reply stops the ladder, pause holds it, resume moves it, an extension restarts it.
/// </summary>
public sealed class DeadlineTests(DeadlineTests.DrillEngine drill) : IClassFixture<DeadlineTests.DrillEngine>
{
    private const string Court = "sh-pudong";
    private readonly EngineInstance _engine = drill.Instance;

    private static string Judge(int n) => SampleDirectory.JudgeId(Court, "civil-1", n);

    [Fact]
    public async Task Every_step_fires_once_in_order_to_the_recipients_resolved_when_it_fires()
    {
        using var steps = Subscribe();
        var ticket = await ContactJudgeAsync(Judge(1));

        // After intake, the division gets a new head: supervision goes to the head of the day it fires.
        await _engine.Directory.UpsertDivisionAsync(new V1.UpsertDivisionRequest
        {
            Division = new V1.Division
            {
                CourtId = Court, DivisionId = "civil-1", Name = "民事审判第一庭", Role = V1.DivisionRole.Trial,
                HeadJudgeId = Judge(2), VicePresidentId = SampleDirectory.VicePresidentId(Court),
            },
        });
        var fired = await ReadStepsAsync(steps, ticket.TicketId, 4);

        Assert.Equal(["deadline.warning", "deadline.urging", "deadline.supervision", "deadline.special_supervision"], fired.Select(e => e.EventType));
        var payloads = fired.Select(e => e.Payload.Unpack<V1.DeadlineStepFired>()).ToList();
        Assert.All(payloads, p => Assert.True(p.FiredAt.ToDateTimeOffset() >= p.DueAt.ToDateTimeOffset(), "a step never fires early"));
        Assert.All(payloads, p => Assert.Equal(1, p.Clock));
        Assert.Equal([(V1.RecipientRole.Handler, Judge(1))], Recipients(payloads[0]));
        Assert.Equal([(V1.RecipientRole.Handler, Judge(1))], Recipients(payloads[1]));
        Assert.Equal([(V1.RecipientRole.DivisionHead, Judge(2)), (V1.RecipientRole.VicePresident, SampleDirectory.VicePresidentId(Court))], Recipients(payloads[2]));
        Assert.Equal([(V1.RecipientRole.ServiceOffice, "service-office")], Recipients(payloads[3]));

        var shown = await GetAsync(ticket.TicketId);
        Assert.Equal(4, shown.Deadlines.Count(d => d.FiredAt is not null));
        Assert.Equal(payloads.Select(p => p.Step), shown.Deadlines.Select(d => d.Kind));
        Assert.True(shown.Clock.TimeLeft.ToTimeSpan() < TimeSpan.Zero, "the ticket shows it is overdue");
        Assert.Equal(["deadline.warning", "deadline.urging", "deadline.supervision", "deadline.special_supervision"],
            shown.History.Where(h => h.Action.StartsWith("deadline.", StringComparison.Ordinal)).Select(h => h.Action));
    }

    [Fact]
    public async Task A_reply_stops_the_ladder_and_a_pause_holds_it_until_resumed()
    {
        using var steps = Subscribe();
        var replied = await ContactJudgeAsync(Judge(1));
        await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = replied.TicketId, Actor = Judge(1), Reply = "已答复" });
        var paused = await ContactJudgeAsync(Judge(1));
        var pause = (await _engine.Tickets.PauseClockAsync(new V1.PauseClockRequest { TicketId = paused.TicketId, Actor = Judge(1), Reason = "待当事人补充材料" })).Ticket;
        Assert.NotNull(pause.Clock.PausedAt);

        // Each has a control: a ticket made after it that the same deadline shard watches, so due after it at every
        // step. A shard wakes its due tickets round after round; once a control's last step has fired, the rounds
        // that would have fired its twin's first step are over. (Steps and the record are written together, so the
        // record tells what fired.)
        var controls = await LaterTicketsOnTheShardsOfAsync(replied.TicketId, paused.TicketId);
        await EventStreams.ReadEventsAsync(steps, e => controls.All(control => e.Count(x => x.AggregateId == control) >= 4));

        var stopped = await GetAsync(replied.TicketId);
        Assert.NotNull(stopped.Clock.StoppedAt);
        Assert.DoesNotContain(stopped.Deadlines, d => d.FiredAt is not null);
        Assert.DoesNotContain((await GetAsync(paused.TicketId)).Deadlines, d => d.FiredAt is not null);

        var resumed = (await _engine.Tickets.ResumeClockAsync(new V1.ResumeClockRequest { TicketId = paused.TicketId, Actor = Judge(1) })).Ticket;
        var stood = resumed.UpdatedAt.ToDateTimeOffset() - pause.Clock.PausedAt.ToDateTimeOffset();
        Assert.Null(resumed.Clock.PausedAt);
        Assert.Equal(pause.Clock.ReplyDueAt.ToDateTimeOffset() + stood, resumed.Clock.ReplyDueAt.ToDateTimeOffset(), TimeSpan.FromMilliseconds(5));
        var afterResume = await ReadStepsAsync(steps, paused.TicketId, 4);
        Assert.Equal(4, afterResume.Count(e => e.AggregateId == paused.TicketId));
    }

    [Fact]
    public async Task An_approved_extension_moves_the_deadline_on_a_new_clock_and_is_audited()
    {
        var ticket = await ContactJudgeAsync(Judge(1));
        var to = DateTimeOffset.UtcNow.AddMinutes(30);

        var extended = (await _engine.Tickets.ExtendDeadlineAsync(new V1.ExtendDeadlineRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(1), Approver = SampleDirectory.VicePresidentId(Court), Reason = "需调取卷宗",
            NewReplyDeadline = Timestamp.FromDateTimeOffset(to),
        })).Ticket;

        Assert.Equal(2, extended.Clock.Number);
        Assert.Equal(V1.ClockCause.Extended, extended.Clock.Cause);
        Assert.Equal(to, extended.Clock.ReplyDueAt.ToDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        var audit = Assert.Single(extended.Extensions);
        Assert.Equal((Judge(1), SampleDirectory.VicePresidentId(Court), "需调取卷宗"), (audit.Actor, audit.Approver, audit.Reason));
        Assert.Equal(ticket.Clock.ReplyDueAt, audit.From);
        Assert.Equal("deadline-extended", extended.History[^1].Action);
        Assert.Contains(extended.Deadlines, d => d.Clock == 2 && d.Kind == V1.DeadlineKind.Reply && d.DueAt.ToDateTimeOffset() == extended.Clock.ReplyDueAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task Clock_commands_refuse_bad_input_and_the_wrong_moment()
    {
        var ticket = await ContactJudgeAsync(Judge(1));
        var tickets = _engine.Tickets;

        await RpcAssert.InvalidFieldAsync("new_reply_deadline", async () => await tickets.ExtendDeadlineAsync(new V1.ExtendDeadlineRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(1), Approver = "vp", Reason = "r", NewReplyDeadline = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-5)),
        }));
        await RpcAssert.InvalidFieldAsync("new_reply_deadline", async () => await tickets.ExtendDeadlineAsync(new V1.ExtendDeadlineRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(1), Approver = "vp", Reason = "r",
        }));
        await RpcAssert.InvalidFieldAsync("approver", async () => await tickets.ExtendDeadlineAsync(new V1.ExtendDeadlineRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(1), Reason = "r", NewReplyDeadline = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
        }));
        await RpcAssert.InvalidFieldAsync("reason", async () => await tickets.PauseClockAsync(new V1.PauseClockRequest { TicketId = ticket.TicketId, Actor = Judge(1) }));
        await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () => await tickets.ResumeClockAsync(new V1.ResumeClockRequest { TicketId = ticket.TicketId, Actor = Judge(1) }));
        await tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = Judge(1), Reply = "已答复" });
        await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () => await tickets.PauseClockAsync(new V1.PauseClockRequest { TicketId = ticket.TicketId, Actor = Judge(1), Reason = "r" }));
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await tickets.PauseClockAsync(new V1.PauseClockRequest { TicketId = "T" + new string('0', 26), Actor = Judge(1), Reason = "r" }));

        Assert.Equal(["received", "dispatched", "replied"], (await GetAsync(ticket.TicketId)).History.Select(h => h.Action));
    }

    [Fact]
    public async Task A_transfer_gives_the_new_handler_a_new_clock()
    {
        var ticket = await ContactJudgeAsync(Judge(1));

        var transferred = (await _engine.Tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(1), Reason = "承办人变更", To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge(2) },
        })).Ticket;

        Assert.Equal(2, transferred.Clock.Number);
        Assert.Equal(V1.ClockCause.Transferred, transferred.Clock.Cause);
        Assert.Equal(transferred.Clock.StartedAt.ToDateTimeOffset().AddSeconds(3), transferred.Clock.ReplyDueAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task A_callback_ticket_is_due_five_working_days_after_the_close_by_its_own_policy_and_stops_when_recorded()
    {
        var ticket = await ContactJudgeAsync(Judge(1));
        await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = Judge(1), Reply = "已答复" });
        var closed = (await _engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "staff-1" })).Ticket;

        var callback = (await _engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { CaseNumber = ticket.CaseNumber, Kind = V1.TicketKind.Callback })).Tickets.Single();

        var calendar = new Domain.Calendar.BusinessCalendar(TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), Engine.Grains.Calendars.CalendarSeeds.Years([]));
        Assert.Equal(calendar.AddWorkingDays(callback.CreatedAt.ToDateTimeOffset(), 5), callback.Clock.ReplyDueAt.ToDateTimeOffset());
        Assert.True(callback.CreatedAt.ToDateTimeOffset() >= closed.ClosedAt.ToDateTimeOffset());
        Assert.True(calendar.WorkingTimeBetween(callback.CreatedAt.ToDateTimeOffset(), callback.Clock.ReplyDueAt.ToDateTimeOffset()) == calendar.WorkingDay * 5);

        // Recording what the caller said ends the callback's work: its clock stops, nothing stays pending.
        var recorded = (await _engine.Tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
        {
            TicketId = callback.TicketId, Actor = "staff-1", ServiceSatisfaction = V1.Satisfaction.Satisfied, ResultSatisfaction = V1.Satisfaction.Satisfied,
        })).Ticket;
        Assert.NotNull(recorded.Clock.StoppedAt);
        Assert.All(recorded.Deadlines, d => Assert.NotNull(d.FiredAt));
    }

    private static IEnumerable<(V1.RecipientRole, string)> Recipients(V1.DeadlineStepFired step) => step.Recipients.Select(r => (r.Role, r.Id));

    private AsyncServerStreamingCall<V1.SubscribeResponse> Subscribe() =>
        new V1.EventService.EventServiceClient(_engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            FromSequence = 0,
            Filter = new V1.EventFilter
            {
                CourtIds = { Court },
                EventTypes = { "deadline.warning", "deadline.urging", "deadline.supervision", "deadline.special_supervision" },
            },
        });

    private static async Task<List<V1.Event>> ReadStepsAsync(AsyncServerStreamingCall<V1.SubscribeResponse> call, string ticketId, int count) =>
        [.. (await EventStreams.ReadEventsAsync(call, e => e.Count(x => x.AggregateId == ticketId) >= count)).Where(e => e.AggregateId == ticketId)];

    /// <summary>Tickets made now, at least one on the deadline shard of each of <paramref name="ticketIds"/>; answers
    /// those (the others fire their ladders unwatched).</summary>
    private async Task<List<string>> LaterTicketsOnTheShardsOfAsync(params string[] ticketIds)
    {
        var wanted = ticketIds.Select(DeadlineShards.Of).ToHashSet();
        var caseNumber = SharedEngine.NewCaseNumber();
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", Judge(2)));
        var controls = new List<string>();
        for (var i = 0; wanted.Count > 0; i++)
        {
            Assert.True(i < 1000, $"no ticket of 1000 landed on deadline shards {string.Join(", ", wanted)}");
            var request = Requests.ContactJudge(caseNumber);
            request.Caller.Phone = $"1370000{i:D4}";
            var id = (await _engine.Intake.SubmitTicketAsync(request)).Ticket.TicketId;
            if (wanted.Remove(DeadlineShards.Of(id)))
            {
                controls.Add(id);
            }
        }

        return controls;
    }

    private async Task<V1.Ticket> GetAsync(string ticketId) =>
        (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticketId })).Ticket;

    private async Task<V1.Ticket> ContactJudgeAsync(string judge)
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", judge));
        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        Assert.Equal(judge, ticket.Assignee.Id);
        return ticket;
    }

    /// <summary>An engine whose every kind is due in seconds (callbacks keep a working-day deadline), with every
    /// closed ticket called back, and one wake at a time in the silo: a place of the silo's wake gate not given back
    /// would stop every later step of the class's tests.</summary>
    public sealed class DrillEngine : IAsyncLifetime
    {
        public EngineInstance Instance { get; private set; } = null!;

        public async Task InitializeAsync() => Instance = await EngineInstance.StartWithSampleDirectoryAsync(
            "--Engine:Deadlines:All:Reply=3 seconds",
            "--Engine:Deadlines:All:WarningShare=0.5",
            "--Engine:Deadlines:All:Supervision=1 second",
            "--Engine:Deadlines:All:SpecialSupervision=2 seconds",
            "--Engine:Deadlines:Kinds:Callback:Reply=5 working days",
            "--Engine:Tickets:CallbackShare=1",
            "--Engine:Deadlines:MaxWakesPerSilo=1");

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
