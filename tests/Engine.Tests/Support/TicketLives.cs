using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Contracts.Tickets;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Grains.Deadlines;

namespace Engine.Tests.Support;

/// <summary>Seven tickets' lives through the aggregate, every command given at least once, on the default deadline
/// policies: the transitions in the order they happened, from 2025-03-03 09:00 (Shanghai) on.</summary>
internal static class TicketLives
{
    public const string Court = "sh-pudong";
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly Assignee Judge1 = new(AssigneeType.Judge, "judge-1", Court);
    private static readonly Assignee Judge2 = new(AssigneeType.Judge, "judge-2", Court);
    private static readonly Assignee Division = new(AssigneeType.Division, "civil-1", Court);
    private static readonly Assignee Platform = new(AssigneeType.PlatformQueue, "sh-pudong-platform", Court);
    private static readonly RoutedTarget Queued = new(true, Platform, TicketMode.Undecided, new RoutingInfo("sub-platform", "the court's sub-platform"));

    public static List<TicketTransition> All()
    {
        var rules = new DeadlinePlanner(new DeadlineOptions());
        var history = new List<TicketTransition>();
        TicketRecord Do(TicketTransition change)
        {
            history.Add(change);
            return change.After;
        }

        DateTimeOffset At(double hours) => Start.AddHours(hours);
        TicketAggregate Of(TicketRecord t) => new(t, rules);

        // Replied on time, closed, called back (dissatisfied), reopened, extended, replied again.
        var a = Do(TicketAggregate.Receive("T-A", Submission("a"), "s1:a", Dispatched(Judge1), Court, Start, "channel:hotline", rules));
        a = Do(Of(a).Accept("judge-1", At(1)));
        a = Do(Of(a).Reply("judge-1", "已排期", At(2)));
        a = Do(Of(a).Close("staff-1", null, At(3)));
        var request = TicketAggregate.FollowUpRequest(a, "callback", TicketKind.Callback, TicketSubKind.CallbackVisit, "回访");
        var callback = Do(TicketAggregate.FollowUp("T-C", a, request, "s1:c", Queued, At(3), rules));
        Do(Of(callback).RecordCallback("staff-2", Satisfaction.Satisfied, Satisfaction.Dissatisfied, "不满意", At(24)));
        a = Do(Of(a).Reopen("engine", "callback T-C", At(24)));
        a = Do(Of(a).ExtendDeadline("judge-1", "head-1", "需调取卷宗", At(24 * 14), At(25)));
        Do(Of(a).Reply("judge-1", "已再次答复", At(26)));

        // Queued, dispatched to a division, transferred, returned, dispatched again, paused and resumed, overdue
        // through every step, then replied late.
        var b = Do(TicketAggregate.Receive("T-B", Submission("b"), "s1:b", Queued, Court, Start, "channel:web", rules));
        b = Do(Of(b).Dispatch("staff-1", Division, TicketAggregate.DispatchedBy("staff-1"), null, At(1)));
        b = Do(Of(b).Transfer("civil-1", Judge1, "承办法官", At(2)));
        b = Do(Of(b).ReturnToPlatform("judge-1", Platform, "非本庭", At(3)));
        b = Do(Of(b).Dispatch("staff-1", Judge2, TicketAggregate.DispatchedBy("staff-1"), null, At(4)));
        b = Do(Of(b).PauseClock("judge-2", "待补充", At(5)));
        b = Do(Of(b).ResumeClock("judge-2", null, At(24)));
        var due = Of(b).Due(At(24 * 20));
        b = Do(Of(b).Fire([.. due.Select(s => (s, ImmutableArray.Create(new Recipient(RecipientRole.Handler, "judge-2"))))], At(24 * 20)));
        Do(Of(b).Reply("judge-2", "迟复", At(24 * 21)));

        // An open ticket, a duplicate merged into it, rerouted to a new presiding judge, then cancelled.
        var d = Do(TicketAggregate.Receive("T-D", Submission("d"), "s1:d", Dispatched(Judge2), Court, Start, "channel:wechat", rules));
        Do(TicketAggregate.ReceiveMerged("T-E", Submission("e"), "s1:e", d, At(1), "channel:wechat"));
        d = Do(Of(d).MergeIn("T-E", At(1))!);
        d = Do(Of(d).Reroute("engine", "the case has a new presiding judge", Dispatched(Judge1), At(2))!);
        Do(Of(d).Cancel("staff-1", "重复", At(3)));

        // Answered on the spot.
        var f = Do(TicketAggregate.Receive("T-F", Submission("f"), "s1:f", Queued, Court, Start, "channel:hall", rules));
        f = Do(Of(f).AnswerOnSpot("staff-1", "已当场答复", At(1)));
        f = Do(Of(f).Close("staff-1", "answered on the spot", At(1)));
        Do(Of(f).Rate("hall", RatingSource.HallEvaluator, "evaluator-1", Satisfaction.Satisfied, Satisfaction.BasicallySatisfied, "耐心", "window-1", At(2))!);

        // An online filing, refused by the filing division: the decision is its reply.
        var filing = Submission("g") with { Kind = TicketKind.OnlineFiling, SubKind = TicketSubKind.FilingApplication, CaseNumber = null };
        var g = Do(TicketAggregate.Receive("T-G", filing, "s1:g", Dispatched(Judge1), Court, Start, "channel:web", rules));
        Do(Of(g).RecordFilingDecision("judge-1", FilingOutcome.Refused, "不属于本院管辖", null, At(2)));
        return history;
    }

    private static RoutedTarget Dispatched(Assignee judge) =>
        new(true, judge, TicketMode.Dispatched, new RoutingInfo("presiding-judge", $"{judge.Id} presides over the case."));

    private static NewTicket Submission(string key) => new(
        key, Channel.Hotline, TicketKind.ContactJudge, TicketSubKind.ContactProgressInquiry, Court, "(2025)沪0115民初501号",
        new CallerInfo("测试当事人", Requests.FakePhone, CallerRole.Party), "请问何时开庭？开庭", Priority.Normal, []);
}
