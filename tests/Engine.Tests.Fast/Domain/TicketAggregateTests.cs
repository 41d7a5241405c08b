using System.Collections.Immutable;
using System.Globalization;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Contracts.Tickets;
using Engine.Domain;
using Engine.Domain.Calendar;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.DomainTests;

/// <summary>
/// The ticket aggregate without Orleans or storage: every command from every state (allowed: the next version, one
/// history entry, the command's event; refused: FAILED_PRECONDITION naming the state and the command), then what each
/// command changes, which events it emits, and its own refusals.
/// </summary>
public sealed class TicketAggregateTests
{
    private const string Court = "sh-pudong";
    private static readonly DateTimeOffset Created = Local("2025-03-10 09:00");
    private static readonly DateTimeOffset Now = Local("2025-03-10 10:00");
    private static readonly Assignee Judge1 = new(AssigneeType.Judge, "judge-1", Court);
    private static readonly Assignee Judge2 = new(AssigneeType.Judge, "judge-2", Court);
    private static readonly Assignee SubPlatform = new(AssigneeType.PlatformQueue, "sh-pudong-platform", Court);
    private static readonly RoutingInfo ByCase = new("presiding-judge", "judge-2 presides over the case.");
    private static readonly Rules Shanghai = new(keepDeadlineOnTransfer: false);

    /// <summary>What each command leaves the ticket in, when it is allowed; and the event it emits.</summary>
    private static readonly Dictionary<TicketCommand, (TicketState? State, Type Event)> Outcomes = new()
    {
        [TicketCommand.AnswerOnSpot] = (TicketState.AnsweredOnSpot, typeof(TicketAnsweredOnSpot)),
        [TicketCommand.Dispatch] = (TicketState.Dispatched, typeof(TicketDispatched)),
        [TicketCommand.Accept] = (TicketState.Accepted, typeof(TicketAccepted)),
        [TicketCommand.Reply] = (TicketState.Replied, typeof(TicketReplied)),
        [TicketCommand.Transfer] = (TicketState.Dispatched, typeof(TicketTransferred)),
        [TicketCommand.ReturnToPlatform] = (TicketState.Returned, typeof(TicketReturned)),
        [TicketCommand.Close] = (TicketState.Closed, typeof(TicketClosed)),
        [TicketCommand.Reopen] = (TicketState.Reopened, typeof(TicketReopened)),
        [TicketCommand.Cancel] = (TicketState.Cancelled, typeof(TicketCancelled)),
        [TicketCommand.PauseClock] = (null, typeof(TicketClockPaused)),
        [TicketCommand.ResumeClock] = (null, typeof(TicketClockResumed)),
        [TicketCommand.ExtendDeadline] = (null, typeof(TicketDeadlineExtended)),
        [TicketCommand.FireDeadline] = (null, typeof(DeadlineStepFired)),
        [TicketCommand.Reroute] = (null, typeof(TicketRerouted)),
        [TicketCommand.RecordCallback] = (TicketState.Closed, typeof(TicketCallbackRecorded)),
        [TicketCommand.Rate] = (null, typeof(TicketRated)),
        // On an open ticket the decision is also the reply (see Filing_decision_on_an_open_filing_is_its_reply).
        [TicketCommand.RecordFilingDecision] = (null, typeof(TicketFilingDecided)),
    };

    public static TheoryData<TicketCommand, TicketState> StatesAndCommands()
    {
        var table = new TheoryData<TicketCommand, TicketState>();
        foreach (var command in Enum.GetValues<TicketCommand>())
        {
            foreach (var state in Enum.GetValues<TicketState>())
            {
                table.Add(command, state);
            }
        }

        return table;
    }

    [Theory]
    [MemberData(nameof(StatesAndCommands))]
    public void Every_command_from_every_state_moves_the_ticket_on_one_version_or_is_refused_naming_state_and_command(TicketCommand command, TicketState state)
    {
        var ticket = Fit(command, Ticket(state));

        if (!TicketLifecycle.Allows(state, command))
        {
            var refused = Assert.Throws<EngineException>(() => Give(command, ticket));
            Assert.Equal(EngineErrorKind.FailedPrecondition, refused.Kind);
            Assert.Equal(TicketLifecycle.Refusal(state, command), refused.Message);
            return;
        }

        var change = Give(command, ticket);
        var (expectedState, expectedEvent) = Outcomes[command];
        var alsoReplies = command == TicketCommand.RecordFilingDecision && TicketLifecycle.Allows(state, TicketCommand.Reply);
        expectedState = alsoReplies ? TicketState.Replied : expectedState;
        var at = command == TicketCommand.FireDeadline ? Later : Now;
        Assert.Same(ticket, change.Before);
        Assert.Equal(ticket.Version, change.ExpectedVersion);
        Assert.Equal(ticket.Version + 1, change.After.Version);
        Assert.Equal(at, change.After.UpdatedAt);
        Assert.Equal(expectedState ?? state, change.After.State);
        Assert.Equal<HistoryEntry>(ticket.History, change.After.History[..ticket.History.Length]);
        var entry = Assert.Single(change.After.History[ticket.History.Length..]);
        Assert.Equal((at, state, change.After.State), (entry.At, entry.FromState, entry.ToState));
        Assert.Equal(alsoReplies ? [expectedEvent, typeof(TicketReplied)] : [expectedEvent], change.Events.Select(e => e.GetType()));
        if (!TicketLifecycle.IsOpen(change.After.State))
        {
            Assert.Equal(at, change.After.Deadlines!.Clock!.StoppedAt);
        }
    }

    [Fact]
    public void The_table_knows_every_command()
    {
        Assert.Equal(Enum.GetValues<TicketCommand>().Order(), Outcomes.Keys.Order());
    }

    [Fact]
    public void Answering_on_the_spot_records_the_answer_as_the_reply_and_stops_the_clock()
    {
        var change = Aggregate(Ticket(TicketState.Received)).AnswerOnSpot("staff-1", "已当场答复", Now);

        var t = change.After;
        Assert.Equal((TicketState.AnsweredOnSpot, TicketMode.AnsweredOnSpot, "已当场答复", "staff-1", Now), (t.State, t.Mode, t.Reply, t.RepliedBy, t.RepliedAt));
        Assert.Equal(Now, t.Deadlines!.Clock!.StoppedAt);
        Assert.Equal(("staff-1", "answered-on-spot"), (t.History[^1].Actor, t.History[^1].Action));
        Assert.Equal(new TicketAnsweredOnSpot("staff-1", "已当场答复", ReplyDelivery.PhoneCall), Assert.Single(change.Events));
        Assert.Equal((ReplyDelivery.PhoneCall, Now), (t.Delivery, t.DeliveredAt));
    }

    [Fact]
    public void A_dispatch_hands_the_ticket_to_its_target_on_a_new_clock_with_the_routing_as_its_reason()
    {
        var waiting = Ticket(TicketState.Returned) with { Assignee = SubPlatform, DelegatedFrom = "judge-9" };

        var change = Aggregate(waiting).Dispatch("staff-1", Judge2, ByCase, null, Now);

        var t = change.After;
        Assert.Equal((TicketState.Dispatched, TicketMode.Dispatched, Judge2, Court, ByCase, (string?)null), (t.State, t.Mode, t.Assignee, t.CourtId, t.Routing, t.DelegatedFrom));
        Assert.Equal((2, ClockCause.Dispatched, Now), (t.Deadlines!.Clock!.Number, t.Deadlines.Clock.Cause, t.Deadlines.Clock.StartedAt));
        Assert.Equal(ByCase.Detail, t.History[^1].Reason);
        Assert.Equal(new TicketDispatched("staff-1", Judge2, ByCase, ByCase.Detail), Assert.Single(change.Events));
    }

    [Fact]
    public void A_dispatch_to_the_holder_keeps_the_clock_and_staff_s_reason_is_kept()
    {
        var waiting = Ticket(TicketState.Received);

        var change = Aggregate(waiting).Dispatch("staff-1", Judge1, TicketAggregate.DispatchedBy("staff-1"), "当事人要求", Now);

        Assert.Same(waiting.Deadlines, change.After.Deadlines);
        Assert.Equal(new RoutingInfo("staff-dispatch", "dispatched by staff-1"), change.After.Routing);
        Assert.Equal("当事人要求", ((TicketDispatched)change.Events[0]).Reason);
    }

    [Fact]
    public void Accepting_changes_the_state_only()
    {
        var dispatched = Ticket(TicketState.Dispatched);

        var change = Aggregate(dispatched).Accept("judge-1", Now);

        Assert.Equal(dispatched with { State = TicketState.Accepted, Version = 4, UpdatedAt = Now, History = change.After.History }, change.After);
        Assert.Equal(new TicketAccepted("judge-1"), Assert.Single(change.Events));
    }

    [Fact]
    public void A_reply_is_recorded_with_who_and_when_and_stops_the_clock()
    {
        var change = Aggregate(Ticket(TicketState.Accepted)).Reply("judge-1", "已排期", Now);

        var t = change.After;
        Assert.Equal((TicketState.Replied, "已排期", "judge-1", Now, Now), (t.State, t.Reply, t.RepliedBy, t.RepliedAt, t.Deadlines!.Clock!.StoppedAt));
        Assert.Empty(t.Deadlines.Clock.Pending);
        Assert.Equal(new TicketReplied("judge-1", "已排期", ReplyDelivery.PhoneCall, Now), Assert.Single(change.Events));
        Assert.Equal((ReplyDelivery.PhoneCall, Now), (t.Delivery, t.DeliveredAt));
    }

    [Theory]
    [InlineData(Channel.Hotline, ReplyDelivery.PhoneCall)]
    [InlineData(Channel.Hall, ReplyDelivery.InPerson)]
    [InlineData(Channel.Kiosk, ReplyDelivery.InPerson)]
    [InlineData(Channel.Sms, ReplyDelivery.Sms)]
    [InlineData(Channel.WeChat, ReplyDelivery.WeChatMessage)]
    [InlineData(Channel.Web, ReplyDelivery.PublicReply)]
    [InlineData(Channel.LawyerPlatform, ReplyDelivery.PublicReply)]
    public void A_reply_that_does_not_say_how_it_was_delivered_goes_back_the_way_the_request_came(Channel channel, ReplyDelivery expected)
    {
        var change = Aggregate(Ticket(TicketState.Accepted) with { Channel = channel }).Reply("judge-1", "已排期", Now);

        Assert.Equal(expected, change.After.Delivery);
    }

    [Fact]
    public void A_reply_keeps_the_delivery_and_time_the_replier_gives()
    {
        var called = Now.AddHours(-2);

        var change = Aggregate(Ticket(TicketState.Accepted)).Reply("judge-1", "已电话告知", Now, ReplyDelivery.InPerson, called);

        Assert.Equal((ReplyDelivery.InPerson, called, Now), (change.After.Delivery, change.After.DeliveredAt, change.After.RepliedAt));
        Assert.Equal(new TicketReplied("judge-1", "已电话告知", ReplyDelivery.InPerson, called), Assert.Single(change.Events));
    }

    [Fact]
    public void A_rating_rates_the_agent_who_answered_on_the_spot_and_the_window()
    {
        var answered = Ticket(TicketState.Closed) with { Mode = TicketMode.AnsweredOnSpot, RepliedBy = "agent-7" };

        var change = Aggregate(answered).Rate("hall-adapter", RatingSource.HallEvaluator, "evaluator-3", Satisfaction.Satisfied, Satisfaction.BasicallySatisfied, "耐心", "window-3", Now)!;

        var rating = Assert.Single(change.After.Ratings);
        Assert.Equal(("agent-7", RatedSubject.PlatformAgent, "window-3", "evaluator-3"), (rating.StaffId, rating.StaffSubject, rating.WindowId, rating.Rater));
        Assert.Equal(new TicketRated("hall-adapter", rating), Assert.Single(change.Events));
        Assert.Equal(TicketState.Closed, change.After.State);
    }

    [Fact]
    public void A_rating_of_a_replied_ticket_rates_the_handler_as_staff()
    {
        var replied = Ticket(TicketState.Closed) with { RepliedBy = "judge-1" };

        var change = Aggregate(replied).Rate("ivr", RatingSource.Ivr, "13800000001", Satisfaction.Satisfied, Satisfaction.Satisfied, null, null, Now)!;

        Assert.Equal(("judge-1", RatedSubject.Staff), (change.After.Ratings[0].StaffId, change.After.Ratings[0].StaffSubject));
    }

    [Fact]
    public void The_same_rating_again_writes_nothing_and_another_by_the_same_rater_is_refused_naming_the_rater()
    {
        var rated = Aggregate(Ticket(TicketState.Closed)).Rate("web", RatingSource.Web, "account-9", Satisfaction.Satisfied, Satisfaction.Satisfied, null, null, Now)!.After;

        Assert.Null(Aggregate(rated).Rate("web", RatingSource.Web, "account-9", Satisfaction.Satisfied, Satisfaction.Satisfied, null, null, Later));
        var refused = Assert.Throws<EngineException>(() => Aggregate(rated).Rate("web", RatingSource.Web, "account-9", Satisfaction.Dissatisfied, Satisfaction.Satisfied, null, null, Later));
        Assert.Equal(EngineErrorKind.AlreadyExists, refused.Kind);
        Assert.Contains("account-9", refused.Message, StringComparison.Ordinal);
        var byPhone = Aggregate(rated).Rate("ivr", RatingSource.Ivr, "13800000001", Satisfaction.Satisfied, Satisfaction.Satisfied, null, null, Now)!.After;
        var phoneRefused = Assert.Throws<EngineException>(() => Aggregate(byPhone).Rate("ivr", RatingSource.Ivr, "13800000001", Satisfaction.Dissatisfied, Satisfaction.Satisfied, null, null, Later));
        Assert.DoesNotContain("13800000001", phoneRefused.Message, StringComparison.Ordinal);
        Assert.Equal(2, byPhone.Ratings.Length);
    }

    [Fact]
    public void A_callback_ticket_is_not_rated()
    {
        var refused = Assert.Throws<EngineException>(() => Aggregate(Callback(Ticket(TicketState.Closed))).Rate("web", RatingSource.Web, "a", Satisfaction.Satisfied, Satisfaction.Satisfied, null, null, Now));

        Assert.Equal(EngineErrorKind.FailedPrecondition, refused.Kind);
    }

    [Fact]
    public void Filing_decision_on_an_open_filing_is_its_reply_and_counts_on_time_against_the_clock()
    {
        var filing = Filing(TicketState.Accepted);

        var change = Aggregate(filing).RecordFilingDecision("judge-1", FilingOutcome.Refused, "不属于本院管辖", null, Now);

        var t = change.After;
        Assert.Equal((TicketState.Replied, "不予立案：不属于本院管辖", Now), (t.State, t.Reply, t.Deadlines!.Clock!.StoppedAt));
        Assert.Equal(new FilingDecisionRecord(FilingOutcome.Refused, "不属于本院管辖", null, "judge-1", Now, OnTime: true), t.FilingDecision);
        Assert.Equal([typeof(TicketFilingDecided), typeof(TicketReplied)], change.Events.Select(e => e.GetType()));
        Assert.False(Aggregate(filing).RecordFilingDecision("judge-1", FilingOutcome.Registered, null, null, Later).After.FilingDecision!.OnTime);
    }

    [Fact]
    public void Filing_decision_on_a_replied_filing_is_recorded_alone_and_only_once()
    {
        var replied = Filing(TicketState.Replied) with { Reply = "已收到" };

        var decided = Aggregate(replied).RecordFilingDecision("judge-1", FilingOutcome.Registered, null, "(2025)沪0115民初502号", Now).After;

        Assert.Equal(("已收到", TicketState.Replied, "(2025)沪0115民初502号"), (decided.Reply, decided.State, decided.FilingDecision!.CaseNumber));
        var again = Assert.Throws<EngineException>(() => Aggregate(decided).RecordFilingDecision("judge-1", FilingOutcome.Refused, "x", null, Now));
        Assert.Equal(EngineErrorKind.FailedPrecondition, again.Kind);
        var notFiling = Assert.Throws<EngineException>(() => Aggregate(Ticket(TicketState.Accepted)).RecordFilingDecision("judge-1", FilingOutcome.Registered, null, null, Now));
        Assert.Contains("not an online filing", notFiling.Message, StringComparison.Ordinal);
    }

    private static TicketRecord Filing(TicketState state) =>
        Ticket(state) with { Kind = TicketKind.OnlineFiling, SubKind = TicketSubKind.FilingApplication };

    [Fact]
    public void A_transfer_moves_the_ticket_to_a_new_handler_on_a_new_clock_and_counts()
    {
        var change = Aggregate(Ticket(TicketState.Accepted) with { DelegatedFrom = "judge-9" }).Transfer("judge-1", Judge2, "不属本人承办", Now);

        var t = change.After;
        Assert.Equal((TicketState.Dispatched, Judge2, 1, (string?)null), (t.State, t.Assignee, t.TransferCount, t.DelegatedFrom));
        Assert.Equal((2, ClockCause.Transferred), (t.Deadlines!.Clock!.Number, t.Deadlines.Clock.Cause));
        Assert.Equal(new TicketTransferred("judge-1", Judge1, Judge2, "不属本人承办"), Assert.Single(change.Events));
    }

    [Fact]
    public void A_transfer_keeps_the_running_deadline_when_the_policy_says_so()
    {
        var accepted = Ticket(TicketState.Accepted);

        var change = new TicketAggregate(accepted, new Rules(keepDeadlineOnTransfer: true)).Transfer("judge-1", Judge2, "不属本人承办", Now);

        Assert.Same(accepted.Deadlines, change.After.Deadlines);
    }

    [Fact]
    public void A_transfer_to_the_holder_is_refused()
    {
        var refused = Assert.Throws<EngineException>(() => Aggregate(Ticket(TicketState.Accepted)).Transfer("judge-1", Judge1, "同一人", Now));

        Assert.Equal((EngineErrorKind.FailedPrecondition, "the ticket is already with Judge judge-1"), (refused.Kind, refused.Message));
    }

    [Fact]
    public void A_return_puts_the_ticket_back_at_the_platform_undecided_naming_the_rule_that_misrouted_it()
    {
        var change = Aggregate(Ticket(TicketState.Dispatched) with { DelegatedFrom = "judge-9" }).ReturnToPlatform("judge-1", SubPlatform, "非本庭案件", Now);

        var t = change.After;
        Assert.Equal((TicketState.Returned, TicketMode.Undecided, SubPlatform, 1, (string?)null), (t.State, t.Mode, t.Assignee, t.ReturnCount, t.DelegatedFrom));
        Assert.Equal(new TicketReturned("judge-1", Judge1, "非本庭案件", "presiding-judge"), Assert.Single(change.Events));
    }

    [Fact]
    public void Closing_counts_the_close_and_keeps_the_note()
    {
        var change = Aggregate(Ticket(TicketState.Replied)).Close("staff-1", "已告知", Now);

        Assert.Equal((TicketState.Closed, Now, 1), (change.After.State, change.After.ClosedAt, change.After.CloseCount));
        Assert.Equal("已告知", change.After.History[^1].Reason);
        Assert.Equal(new TicketClosed("staff-1", "已告知"), Assert.Single(change.Events));
    }

    [Fact]
    public void Reopening_starts_a_new_clock_and_counts()
    {
        var change = Aggregate(Ticket(TicketState.Closed)).Reopen("staff-1", "当事人不满意", Now);

        Assert.Equal((TicketState.Reopened, 1), (change.After.State, change.After.ReopenCount));
        Assert.Equal((2, ClockCause.Reopened, (DateTimeOffset?)null), (change.After.Deadlines!.Clock!.Number, change.After.Deadlines.Clock.Cause, change.After.Deadlines.Clock.StoppedAt));
        Assert.Equal(new TicketReopened("staff-1", "当事人不满意"), Assert.Single(change.Events));
    }

    [Fact]
    public void Cancelling_stops_the_clock()
    {
        var change = Aggregate(Ticket(TicketState.Dispatched)).Cancel("staff-1", "重复提交", Now);

        Assert.Equal((TicketState.Cancelled, Now), (change.After.State, change.After.Deadlines!.Clock!.StoppedAt));
        Assert.Equal(new TicketCancelled("staff-1", "重复提交"), Assert.Single(change.Events));
    }

    [Fact]
    public void A_callback_records_what_the_caller_said_and_closes_the_callback_ticket()
    {
        var callback = Callback(Ticket(TicketState.Dispatched));

        var change = Aggregate(callback).RecordCallback("staff-2", Satisfaction.Satisfied, Satisfaction.Dissatisfied, "结果不满意", Now);

        var t = change.After;
        var outcome = new CallbackResult(Satisfaction.Satisfied, Satisfaction.Dissatisfied, "结果不满意", "staff-2", Now);
        Assert.Equal((TicketState.Closed, outcome, "结果不满意", "staff-2", Now, Now, 1), (t.State, t.Callback, t.Reply, t.RepliedBy, t.RepliedAt, t.ClosedAt, t.CloseCount));
        Assert.Equal(new TicketCallbackRecorded("staff-2", outcome), Assert.Single(change.Events));
    }

    [Theory]
    [InlineData(TicketState.Dispatched)]
    [InlineData(TicketState.Closed)]
    public void A_callback_on_a_ticket_that_is_not_a_callback_is_refused_whatever_its_state(TicketState state)
    {
        var refused = Assert.Throws<EngineException>(() =>
            Aggregate(Ticket(state)).RecordCallback("staff-2", Satisfaction.Satisfied, Satisfaction.Satisfied, null, Now));

        Assert.Equal((EngineErrorKind.FailedPrecondition, "ticket T-1 is a ContactJudge ticket, not a callback"), (refused.Kind, refused.Message));
    }

    [Fact]
    public void A_pause_stops_the_clock_until_it_resumes_which_moves_the_deadline_on_by_the_pause()
    {
        var paused = Aggregate(Ticket(TicketState.Accepted)).PauseClock("judge-1", "待当事人补充材料", Now);
        Assert.Equal(Now, paused.After.Deadlines!.Clock!.PausedAt);
        Assert.Empty(Aggregate(paused.After).Due(Later));
        Assert.Equal(new TicketClockPaused("judge-1", "待当事人补充材料"), Assert.Single(paused.Events));

        var resumed = Aggregate(paused.After).ResumeClock("judge-1", null, Now.AddDays(1));

        var before = paused.After.Deadlines.Clock.ReplyDueAt;
        var clock = resumed.After.Deadlines!.Clock!;
        Assert.Null(clock.PausedAt);
        Assert.True(clock.ReplyDueAt > before, "the deadline moves on by the pause");
        Assert.Equal(new TicketClockResumed("judge-1", clock.ReplyDueAt), Assert.Single(resumed.Events));
    }

    [Fact]
    public void A_second_pause_and_a_resume_without_a_pause_are_refused()
    {
        var paused = Aggregate(Ticket(TicketState.Accepted)).PauseClock("judge-1", "待补充", Now).After;

        var again = Assert.Throws<EngineException>(() => Aggregate(paused).PauseClock("judge-1", "待补充", Now));
        var running = Assert.Throws<EngineException>(() => Aggregate(Ticket(TicketState.Accepted)).ResumeClock("judge-1", null, Now));

        Assert.Equal((EngineErrorKind.FailedPrecondition, "the clock is already paused (since 2025-03-10T10:00:00+08:00)"), (again.Kind, again.Message));
        Assert.Equal((EngineErrorKind.FailedPrecondition, "the clock is not paused"), (running.Kind, running.Message));
    }

    [Theory]
    [InlineData(TicketCommand.PauseClock)]
    [InlineData(TicketCommand.ResumeClock)]
    [InlineData(TicketCommand.ExtendDeadline)]
    public void A_clock_command_on_a_ticket_without_a_clock_is_refused(TicketCommand command)
    {
        var refused = Assert.Throws<EngineException>(() => Give(command, Ticket(TicketState.Dispatched) with { Deadlines = null }));

        Assert.Equal((EngineErrorKind.FailedPrecondition, "ticket T-1 has no deadline clock"), (refused.Kind, refused.Message));
    }

    [Fact]
    public void An_extension_starts_a_clock_counted_to_the_approved_deadline_and_records_who_approved_it()
    {
        var ticket = Ticket(TicketState.Accepted);
        var to = Local("2025-03-31 17:00");

        var change = Aggregate(ticket).ExtendDeadline("judge-1", "head-1", "需调取卷宗", to, Now);

        var deadlines = change.After.Deadlines!;
        Assert.Equal((2, ClockCause.Extended, to), (deadlines.Clock!.Number, deadlines.Clock.Cause, deadlines.Clock.ReplyDueAt));
        var extension = Assert.Single(deadlines.Extensions);
        Assert.Equal(new DeadlineExtension(2, Now, "judge-1", "head-1", "需调取卷宗", ticket.Deadlines!.Clock!.ReplyDueAt, to), extension);
        Assert.Equal("需调取卷宗 (approved by head-1; new deadline 2025-03-31T17:00:00+08:00)", change.After.History[^1].Reason);
        Assert.Equal(new TicketDeadlineExtended("judge-1", extension), Assert.Single(change.Events));
    }

    [Fact]
    public void An_extension_to_an_earlier_deadline_is_an_invalid_argument_and_one_of_a_paused_clock_a_precondition()
    {
        var ticket = Ticket(TicketState.Accepted);
        var paused = Aggregate(ticket).PauseClock("judge-1", "待补充", Now).After;

        var earlier = Assert.Throws<EngineException>(() => Aggregate(ticket).ExtendDeadline("judge-1", "head-1", "需调查", Now.AddMinutes(1), Now));
        var whilePaused = Assert.Throws<EngineException>(() => Aggregate(paused).ExtendDeadline("judge-1", "head-1", "需调查", Later, Now));

        Assert.Equal((EngineErrorKind.InvalidArgument, "new_reply_deadline"), (earlier.Kind, earlier.Field));
        Assert.StartsWith("the new deadline must be later than now and than the current deadline", earlier.Message, StringComparison.Ordinal);
        Assert.Equal((EngineErrorKind.FailedPrecondition, "the clock is paused: resume it before extending the deadline"), (whilePaused.Kind, whilePaused.Message));
    }

    [Fact]
    public void The_steps_due_fire_in_one_version_each_with_its_recipients_a_history_entry_and_an_event()
    {
        var ticket = Ticket(TicketState.Accepted);
        var aggregate = Aggregate(ticket);
        var due = aggregate.Due(Later);
        Assert.Equal([DeadlineStep.Warning, DeadlineStep.Urging, DeadlineStep.Supervision, DeadlineStep.SpecialSupervision], due.Select(s => s.Step));

        var head = new Recipient(RecipientRole.DivisionHead, "head-1");
        var change = aggregate.Fire([.. due.Select(s => (s, ImmutableArray.Create(head)))], Later);

        Assert.Equal(ticket.Version + 1, change.After.Version);
        Assert.Empty(Aggregate(change.After).Due(Later));
        Assert.Equal(due.Select(s => (s.Step, s.DueAt, Later)), change.After.Deadlines!.Taken.Select(t => (t.Step, t.DueAt, t.FiredAt)));
        var entries = change.After.History[ticket.History.Length..];
        Assert.Equal(["deadline.warning", "deadline.urging", "deadline.supervision", "deadline.special_supervision"], entries.Select(h => h.Action));
        Assert.All(entries, h => Assert.Equal(("engine", TicketState.Accepted, TicketState.Accepted, Judge1), (h.Actor, h.FromState, h.ToState, h.Assignee)));
        Assert.EndsWith("; to DivisionHead head-1", entries[0].Reason, StringComparison.Ordinal);
        Assert.Equal(change.After.Deadlines.Taken.Select(t => new DeadlineStepFired("engine", t, Judge1)), change.Events.Cast<DeadlineStepFired>());
    }

    [Fact]
    public void Nothing_is_due_on_a_ticket_whose_state_takes_no_step()
    {
        Assert.Empty(Aggregate(Ticket(TicketState.Replied)).Due(Later));
        Assert.Empty(Aggregate(Ticket(TicketState.Dispatched) with { Deadlines = null }).Due(Later));
    }

    [Fact]
    public void A_clock_counted_on_older_calendars_is_counted_again_and_says_how_far_it_moved()
    {
        var ticket = Ticket(TicketState.Accepted);
        Assert.True(Aggregate(ticket).CountedBefore(1));
        var newer = new Rules(keepDeadlineOnTransfer: false, calendarVersion: 1);

        var change = new TicketAggregate(ticket, newer).Replan(Now)!;

        Assert.False(new TicketAggregate(change.After, newer).CountedBefore(1));
        Assert.Equal("counted again on the working calendars of version 1", change.After.History[^1].Reason);
        Assert.Equal(new TicketDeadlineReplanned("engine", ticket.Deadlines!.Clock!.ReplyDueAt, 1, 0, 0), Assert.Single(change.Events));
    }

    [Fact]
    public void A_closed_ticket_is_not_counted_again()
    {
        var closed = Ticket(TicketState.Closed);

        Assert.False(Aggregate(closed).CountedBefore(1));
        Assert.Null(new TicketAggregate(closed, new Rules(false, calendarVersion: 1)).Replan(Now));
    }

    [Fact]
    public void A_reroute_follows_the_new_route_keeping_state_and_clock_and_names_the_rule()
    {
        var ticket = Ticket(TicketState.Accepted);

        var change = Aggregate(ticket).Reroute("engine", "the case has a new presiding judge", new RoutedTarget(true, Judge2, TicketMode.Dispatched, ByCase), Now)!;

        Assert.Equal((TicketState.Accepted, Judge2, ByCase, (string?)null), (change.After.State, change.After.Assignee, change.After.Routing, change.After.DelegatedFrom));
        Assert.Same(ticket.Deadlines, change.After.Deadlines);
        Assert.Equal(new TicketRerouted("engine", Judge1, Judge2, "the case has a new presiding judge (presiding-judge)", ByCase), Assert.Single(change.Events));
    }

    [Fact]
    public void A_delegate_standing_in_keeps_the_ticket_visible_to_the_judge_on_leave()
    {
        var delegated = new RoutedTarget(true, Judge2, TicketMode.Dispatched, new RoutingInfo("delegate", "judge-1 is on leave"), StandsIn: true);

        var change = Aggregate(Ticket(TicketState.Dispatched)).Reroute("engine", "leave", delegated, Now)!;

        Assert.Equal("judge-1", change.After.DelegatedFrom);
    }

    [Fact]
    public void A_reroute_to_the_holder_changes_nothing()
    {
        Assert.Null(Aggregate(Ticket(TicketState.Dispatched)).Reroute("engine", "leave", new RoutedTarget(true, Judge1, TicketMode.Dispatched, ByCase), Now));
    }

    [Fact]
    public void A_merged_duplicate_is_listed_once_in_any_state()
    {
        var closed = Ticket(TicketState.Closed);

        var change = Aggregate(closed).MergeIn("T-2", Now)!;

        Assert.Equal<string>(["T-2"], change.After.MergedTicketIds);
        Assert.Equal(("engine", "merged-in", "T-2"), (change.After.History[^1].Actor, change.After.History[^1].Action, change.After.History[^1].Reason));
        Assert.Equal(new TicketMergedIn("engine", "T-2"), Assert.Single(change.Events));
        Assert.Null(Aggregate(change.After).MergeIn("T-2", Now));
    }

    [Fact]
    public void A_submission_becomes_a_routed_ticket_on_its_first_clock_with_its_received_and_routed_events()
    {
        var routed = new RoutedTarget(true, Judge1, TicketMode.Dispatched, ByCase);

        var change = TicketAggregate.Receive("T-1", Submission(), "s1:digest", routed, "sh-other", Created, "channel:hotline", Shanghai);

        var t = change.After;
        Assert.Null(change.Before);
        Assert.Equal((1L, TicketState.Dispatched, TicketMode.Dispatched, Court, "s1:digest"), (t.Version, t.State, t.Mode, t.CourtId, t.SubmissionDigest));
        Assert.Equal((1, ClockCause.Received, Created), (t.Deadlines!.Clock!.Number, t.Deadlines.Clock.Cause, t.Deadlines.Clock.StartedAt));
        Assert.Equal(["received", "dispatched"], t.History.Select(h => h.Action));
        Assert.Equal<TicketEvent>([new TicketReceived("channel:hotline"), new TicketRouted("engine", Judge1, TicketMode.Dispatched, ByCase)], change.Events);
    }

    [Fact]
    public void A_submission_routed_to_a_queue_waits_there_received()
    {
        var queued = new RoutedTarget(false, Assignee.Triage, TicketMode.Undecided, new RoutingInfo("triage", "no court"));

        var change = TicketAggregate.Receive("T-1", Submission() with { CourtId = null }, "s1:digest", queued, null, Created, "channel:hotline", Shanghai);

        Assert.Equal((TicketState.Received, (string?)null), (change.After.State, change.After.CourtId));
        Assert.Equal(["received", "queued"], change.After.History.Select(h => h.Action));
    }

    [Fact]
    public void A_duplicate_is_stored_merged_into_the_open_ticket_without_a_clock()
    {
        var open = Ticket(TicketState.Accepted);

        var change = TicketAggregate.ReceiveMerged("T-2", Submission(), "s1:digest", open, Now, "channel:wechat");

        var t = change.After;
        Assert.Equal((TicketState.Merged, "T-1", Judge1, (TicketDeadlines?)null), (t.State, t.MergedInto, t.Assignee, t.Deadlines));
        Assert.Equal(["received", "merged"], t.History.Select(h => h.Action));
        Assert.Equal<TicketEvent>([new TicketReceived("channel:wechat"), new TicketMerged("engine", "T-1")], change.Events);
    }

    [Fact]
    public void A_callback_owed_after_a_close_is_about_the_closed_ticket_and_scheduled()
    {
        var closed = Aggregate(Ticket(TicketState.Replied)).Close("staff-1", null, Now).After;
        var request = TicketAggregate.FollowUpRequest(closed, "callback", TicketKind.Callback, TicketSubKind.CallbackVisit, "回访：工单 T-1");
        var routed = new RoutedTarget(true, SubPlatform, TicketMode.Undecided, new RoutingInfo("sub-platform", "the court's sub-platform"));

        var change = TicketAggregate.FollowUp("T-3", closed, request, "s1:digest", routed, Now, Shanghai);

        Assert.Equal(("callback:T-1:1", TicketKind.Callback, closed.Caller), (request.IdempotencyKey, request.Kind, request.Caller));
        Assert.Equal(("T-1", "engine", ClockCause.Received), (change.After.CallbackOf, change.After.History[0].Actor, change.After.Deadlines!.Clock!.Cause));
        Assert.Equal([typeof(TicketReceived), typeof(TicketRouted), typeof(CallbackScheduled)], change.Events.Select(e => e.GetType()));
        Assert.Equal(new CallbackScheduled("engine", "T-1"), change.Events[2]);
    }

    [Fact]
    public void A_supervision_ticket_after_a_dissatisfied_callback_is_about_the_ticket_called_back_and_not_scheduled()
    {
        var recorded = Aggregate(Callback(Ticket(TicketState.Dispatched))).RecordCallback("staff-2", Satisfaction.Dissatisfied, Satisfaction.Dissatisfied, null, Now).After;
        var request = TicketAggregate.FollowUpRequest(recorded, "supervision", TicketKind.Suggestion, TicketSubKind.SuggestionComplaint, "回访不满意");

        var change = TicketAggregate.FollowUp("T-4", recorded, request, "s1:digest", new RoutedTarget(true, SubPlatform, TicketMode.Undecided, ByCase), Now, Shanghai);

        Assert.Equal("supervision:T-1:1", request.IdempotencyKey);
        Assert.Equal("T-0", change.After.CallbackOf);
        Assert.Equal([typeof(TicketReceived), typeof(TicketRouted)], change.Events.Select(e => e.GetType()));
    }

    /// <summary>The command with arguments it accepts from a ticket fit for it (<see cref="Fit"/>).</summary>
    private static TicketTransition Give(TicketCommand command, TicketRecord ticket)
    {
        var aggregate = Aggregate(ticket);
        return command switch
        {
            TicketCommand.AnswerOnSpot => aggregate.AnswerOnSpot("staff-1", "已当场答复", Now),
            TicketCommand.Dispatch => aggregate.Dispatch("staff-1", Judge2, ByCase, null, Now),
            TicketCommand.Accept => aggregate.Accept("judge-1", Now),
            TicketCommand.Reply => aggregate.Reply("judge-1", "已排期", Now),
            TicketCommand.Transfer => aggregate.Transfer("judge-1", Judge2, "不属本人承办", Now),
            TicketCommand.ReturnToPlatform => aggregate.ReturnToPlatform("judge-1", SubPlatform, "非本庭案件", Now),
            TicketCommand.Close => aggregate.Close("staff-1", null, Now),
            TicketCommand.Reopen => aggregate.Reopen("staff-1", "当事人不满意", Now),
            TicketCommand.Cancel => aggregate.Cancel("staff-1", "重复提交", Now),
            TicketCommand.PauseClock => aggregate.PauseClock("judge-1", "待当事人补充材料", Now),
            TicketCommand.ResumeClock => aggregate.ResumeClock("judge-1", null, Now),
            TicketCommand.ExtendDeadline => aggregate.ExtendDeadline("judge-1", "head-1", "需调取卷宗", Later, Now),
            TicketCommand.FireDeadline => aggregate.Fire([(ticket.Deadlines?.Clock?.Pending[0] ?? new PendingStep(DeadlineStep.Warning, Now), [new Recipient(RecipientRole.Handler, "judge-1")])], Later),
            TicketCommand.Reroute => aggregate.Reroute("engine", "the case has a new presiding judge", new RoutedTarget(true, Judge2, TicketMode.Dispatched, ByCase), Now)!,
            TicketCommand.RecordCallback => aggregate.RecordCallback("staff-2", Satisfaction.Satisfied, Satisfaction.Satisfied, "满意", Now),
            TicketCommand.Rate => aggregate.Rate("hall", RatingSource.HallEvaluator, "evaluator-1", Satisfaction.Satisfied, Satisfaction.Satisfied, null, "window-1", Now)!,
            TicketCommand.RecordFilingDecision => aggregate.RecordFilingDecision("judge-1", FilingOutcome.Registered, null, null, Now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
    }

    /// <summary>The ticket as the command needs it apart from its state: a callback to record, a paused clock to resume.</summary>
    private static TicketRecord Fit(TicketCommand command, TicketRecord ticket) => command switch
    {
        TicketCommand.RecordCallback => Callback(ticket),
        TicketCommand.RecordFilingDecision => ticket with { Kind = TicketKind.OnlineFiling, SubKind = TicketSubKind.FilingApplication },
        TicketCommand.ResumeClock => ticket with { Deadlines = ticket.Deadlines!.Pause(Created.AddMinutes(30), Shanghai.Calendar.Zone) },
        _ => ticket,
    };

    private static TicketRecord Callback(TicketRecord ticket) =>
        ticket with { TicketId = "T-1", Kind = TicketKind.Callback, SubKind = TicketSubKind.CallbackVisit, CallbackOf = "T-0" };

    private static DateTimeOffset Later => Now.AddDays(30);

    private static TicketAggregate Aggregate(TicketRecord ticket) => new(ticket, Shanghai);

    /// <summary>A contact-judge ticket with judge-1, at version 3, in <paramref name="state"/>, on a running clock.</summary>
    private static TicketRecord Ticket(TicketState state) => new()
    {
        TicketId = "T-1",
        Version = 3,
        IdempotencyKey = "key-1",
        Channel = Channel.Hotline,
        Kind = TicketKind.ContactJudge,
        SubKind = TicketSubKind.ContactProgressInquiry,
        CourtId = Court,
        CaseNumber = "(2025)沪0115民初501号",
        Caller = new CallerInfo("测试当事人", "13800000001", CallerRole.Party),
        Content = "请问何时开庭？",
        State = state,
        Mode = TicketMode.Dispatched,
        Assignee = Judge1,
        Routing = new RoutingInfo("presiding-judge", "judge-1 presides over the case."),
        CreatedAt = Created,
        UpdatedAt = Created,
        History = [new HistoryEntry(Created, "channel:hotline", "received", TicketState.Unspecified, TicketState.Received, null, null)],
        Deadlines = Shanghai.StartClock(null, Court, TicketKind.ContactJudge, ClockCause.Received, Created),
    };

    private static NewTicket Submission() => new(
        "key-1", Channel.Hotline, TicketKind.ContactJudge, TicketSubKind.ContactProgressInquiry, Court, "(2025)沪0115民初501号",
        new CallerInfo("测试当事人", "13800000001", CallerRole.Party), "请问何时开庭？", Priority.Normal, []);


    /// <summary>The default policies on the published calendars of 2025 and 2026, in Shanghai.</summary>
    private sealed class Rules(bool keepDeadlineOnTransfer, long calendarVersion = 0) : IDeadlineRules
    {
        public BusinessCalendar Calendar { get; } = new(
            TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), [Load(2025), Load(2026)], version: calendarVersion);

        public bool KeepDeadlineOnTransfer => keepDeadlineOnTransfer;

        public (DeadlinePolicy Policy, BusinessCalendar Calendar) PlanFor(string? courtId, TicketKind kind) => (DeadlinePolicy.DefaultFor(kind), Calendar);

        private static CalendarYear Load(int year) =>
            CalendarYear.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", $"calendar-cn-{year}.json")));
    }
}
