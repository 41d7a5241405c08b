using Engine.Domain;
using Engine.Domain.Routing;

namespace Engine.Tests.DomainTests;

/// <summary>Every rule of <see cref="Router"/>, each on a small directory built by hand.</summary>
public sealed class RoutingRuleTests
{
    private const string CourtId = "court-a";
    private const string SubPlatformId = "court-a-platform";
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void An_available_presiding_judge_gets_the_ticket()
    {
        var court = Court();

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-1", RoutingRule.PresidingJudge);
        Assert.Equal(CourtId, decision.CourtId);
        Assert.False(decision.FollowedMove);
        Assert.Null(decision.Override);
        Assert.Equal("presiding-judge", RoutingExplanation.RuleName(decision));
    }

    [Fact]
    public void An_online_matter_on_a_known_case_also_goes_to_the_presiding_judge()
    {
        var court = Court();

        var decision = Router.Route(court, Request(TicketKind.OnlineMatter, Case(judge: "civil-2")), Now);

        AssertJudge(decision, "civil-2", RoutingRule.PresidingJudge);
    }

    [Fact]
    public void A_judge_on_leave_hands_new_tickets_to_an_available_delegate()
    {
        var court = Court();
        OnLeave(court, "civil-1", delegateId: "civil-2");

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-2", RoutingRule.Delegate);
        Assert.Equal("delegate", RoutingExplanation.RuleName(decision));
    }

    [Fact]
    public void A_judge_whose_delegate_is_also_on_leave_hands_new_tickets_to_the_division_head()
    {
        var court = Court();
        OnLeave(court, "civil-1", delegateId: "civil-2");
        OnLeave(court, "civil-2");

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-head", RoutingRule.DivisionHead);
    }

    [Fact]
    public void A_judge_on_leave_without_a_delegate_hands_new_tickets_to_the_division_head()
    {
        var court = Court();
        OnLeave(court, "civil-1");

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-head", RoutingRule.DivisionHead);
    }

    [Fact]
    public void A_delegate_missing_from_the_directory_is_passed_over_for_the_division_head()
    {
        var court = Court();
        OnLeave(court, "civil-1", delegateId: "no-such-judge");

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-head", RoutingRule.DivisionHead);
    }

    [Fact]
    public void When_the_head_is_also_on_leave_the_least_loaded_available_member_gets_the_ticket()
    {
        var court = Court();
        OnLeave(court, "civil-1");
        OnLeave(court, "civil-head");
        court.Judges["civil-head"].Load = 0;
        court.Judges["civil-2"].Load = 5;
        court.Judges["civil-3"].Load = 2;
        court.Judges["civil-4"].Load = 1;
        OnLeave(court, "civil-4");

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-3", RoutingRule.DivisionQueue);
        Assert.Equal("division-queue", RoutingExplanation.RuleName(decision));
    }

    [Fact]
    public void When_the_judge_on_leave_is_the_head_the_least_loaded_available_member_gets_the_ticket()
    {
        var court = Court();
        OnLeave(court, "civil-head");
        court.Judges["civil-1"].Load = 3;
        court.Judges["civil-2"].Load = 1;
        court.Judges["civil-3"].Load = 2;
        court.Judges["civil-4"].Load = 4;

        var decision = Router.Route(court, ContactJudge("civil-head"), Now);

        AssertJudge(decision, "civil-2", RoutingRule.DivisionQueue);
    }

    [Fact]
    public void A_head_missing_from_the_directory_is_passed_over_for_the_least_loaded_member()
    {
        var court = Court();
        court.Divisions["civil"].HeadJudgeId = "no-such-head";
        OnLeave(court, "civil-1");
        court.Judges["civil-head"].Load = 9;
        court.Judges["civil-2"].Load = 1;
        court.Judges["civil-3"].Load = 1;
        court.Judges["civil-4"].Load = 1;

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-2", RoutingRule.DivisionQueue);
    }

    [Fact]
    public void Ties_in_load_go_to_the_member_added_first()
    {
        var court = Court();
        OnLeave(court, "civil-1");
        OnLeave(court, "civil-head");
        court.Judges["civil-2"].Load = 2;
        court.Judges["civil-3"].Load = 1;
        court.Judges["civil-4"].Load = 1;

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-3", RoutingRule.DivisionQueue);
    }

    [Fact]
    public void When_nobody_in_the_division_is_available_the_division_itself_queues_the_ticket()
    {
        var court = Court();
        foreach (var member in court.Divisions["civil"].Members)
        {
            OnLeave(court, member.Id);
        }

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        Assert.Equal(AssigneeType.Division, decision.Type);
        Assert.Equal("civil", decision.Id);
        Assert.Equal(TicketMode.Dispatched, decision.Mode);
        Assert.Equal(RoutingRule.DivisionQueue, decision.Rule);
        Assert.Equal(CourtId, decision.CourtId);
    }

    [Fact]
    public void A_judge_on_leave_outside_any_division_leaves_the_ticket_to_the_sub_platform()
    {
        var court = Court();
        court.AddJudge("floating", divisionId: null, JudgeRole.Judge);
        OnLeave(court, "floating");

        var decision = Router.Route(court, ContactJudge("floating"), Now);

        AssertSubPlatform(decision);
    }

    [Fact]
    public void A_case_without_a_presiding_judge_goes_to_the_filing_division()
    {
        var court = Court();
        court.Judges["filing-1"].Load = 4;
        court.Judges["filing-2"].Load = 1;

        var decision = Router.Route(court, Request(TicketKind.ContactJudge, Case(judge: null)), Now);

        AssertJudge(decision, "filing-2", RoutingRule.FilingDivisionNoJudge);
        Assert.Equal("filing-division-no-judge", RoutingExplanation.RuleName(decision));
    }

    [Fact]
    public void A_case_without_a_presiding_judge_queues_in_the_filing_division_when_nobody_there_is_available()
    {
        var court = Court();
        OnLeave(court, "filing-1");
        OnLeave(court, "filing-2");

        var decision = Router.Route(court, Request(TicketKind.OnlineMatter, Case(judge: null)), Now);

        Assert.Equal(AssigneeType.Division, decision.Type);
        Assert.Equal("filing", decision.Id);
        Assert.Equal(RoutingRule.FilingDivisionNoJudge, decision.Rule);
        Assert.Equal(TicketMode.Dispatched, decision.Mode);
    }

    [Fact]
    public void A_presiding_judge_missing_from_the_directory_sends_the_ticket_to_the_case_division()
    {
        var court = Court();
        court.Judges["civil-head"].Load = 3;
        court.Judges["civil-1"].Load = 2;
        court.Judges["civil-2"].Load = 0;

        var decision = Router.Route(court, ContactJudge("judge-not-yet-listed"), Now);

        AssertJudge(decision, "civil-2", RoutingRule.CaseDivision);
        Assert.Equal("case-division", RoutingExplanation.RuleName(decision));
    }

    [Fact]
    public void A_presiding_judge_missing_from_the_directory_on_a_case_without_a_division_goes_to_the_filing_division()
    {
        var court = Court();

        var decision = Router.Route(court, Request(TicketKind.ContactJudge, Case(judge: "judge-not-yet-listed", division: null)), Now);

        AssertJudge(decision, "filing-1", RoutingRule.CaseDivision);
    }

    [Theory]
    [InlineData(TicketKind.CaseInquiry)]
    [InlineData(TicketKind.Consultation)]
    [InlineData(TicketKind.Callback)]
    public void Inquiries_consultations_and_callbacks_go_undecided_to_the_sub_platform(TicketKind kind)
    {
        var court = Court();

        var withoutCase = Router.Route(court, Request(kind, null), Now);
        var withCase = Router.Route(court, Request(kind, Case(judge: "civil-1")), Now);

        AssertSubPlatform(withoutCase);
        AssertSubPlatform(withCase);
        Assert.Equal("sub-platform", RoutingExplanation.RuleName(withoutCase));
    }

    [Fact]
    public void A_suggestion_queues_in_the_service_office_when_the_office_has_no_member()
    {
        var court = Court();

        var decision = Router.Route(court, Request(TicketKind.Suggestion, null), Now);

        Assert.Equal(AssigneeType.Office, decision.Type);
        Assert.Equal("service-office", decision.Id);
        Assert.Equal(RoutingRule.ServiceOffice, decision.Rule);
        Assert.Equal(TicketMode.Dispatched, decision.Mode);
        Assert.Equal("service-office", RoutingExplanation.RuleName(decision));
    }

    [Fact]
    public void A_suggestion_goes_to_the_least_loaded_member_of_the_service_office()
    {
        var court = Court();
        court.AddJudge("office-1", "service-office", JudgeRole.PlatformAgent).Load = 2;
        court.AddJudge("office-2", "service-office", JudgeRole.PlatformAgent).Load = 1;

        var decision = Router.Route(court, Request(TicketKind.Suggestion, Case(judge: "civil-1")), Now);

        AssertJudge(decision, "office-2", RoutingRule.ServiceOffice);
    }

    [Fact]
    public void A_suggestion_in_a_court_without_a_service_office_goes_to_the_sub_platform()
    {
        var court = new CourtDirectory(CourtId, SubPlatformId);

        var decision = Router.Route(court, Request(TicketKind.Suggestion, null), Now);

        AssertSubPlatform(decision);
    }

    [Fact]
    public void An_online_filing_goes_to_the_filing_division()
    {
        var court = Court();
        court.Judges["filing-1"].Load = 0;
        court.Judges["filing-2"].Load = 1;

        var decision = Router.Route(court, Request(TicketKind.OnlineFiling, null), Now);

        AssertJudge(decision, "filing-1", RoutingRule.FilingDivision);
        Assert.Equal("filing-division", RoutingExplanation.RuleName(decision));
    }

    [Theory]
    [InlineData(TicketKind.ContactJudge)]
    [InlineData(TicketKind.OnlineMatter)]
    [InlineData(TicketKind.Unspecified)]
    public void A_request_naming_no_case_goes_to_the_sub_platform_to_find_the_case_first(TicketKind kind)
    {
        var court = Court();

        var decision = Router.Route(court, Request(kind, null), Now);

        AssertSubPlatform(decision);
    }

    [Fact]
    public void A_request_for_an_unknown_court_waits_in_triage()
    {
        var directory = Directory(Court());

        var decision = Router.Route(directory, new RoutingRequest(TicketKind.ContactJudge, TicketSubKind.Unspecified, "no-such-court", null), Now);

        AssertTriage(decision);
    }

    [Fact]
    public void A_request_naming_no_court_and_no_case_waits_in_triage()
    {
        var directory = Directory(Court());

        var decision = Router.Route(directory, new RoutingRequest(TicketKind.Consultation, TicketSubKind.Unspecified, null, null), Now);

        AssertTriage(decision);
        Assert.Equal("triage", RoutingExplanation.RuleName(decision));
    }

    [Fact]
    public void A_case_in_an_unknown_court_waits_in_triage_even_when_the_caller_named_a_known_court()
    {
        var directory = Directory(Court());
        var facts = new CaseFacts("no-such-court", "civil", "civil-1", Moved: false);

        var decision = Router.Route(directory, new RoutingRequest(TicketKind.ContactJudge, TicketSubKind.Unspecified, CourtId, facts), Now);

        AssertTriage(decision);
    }

    [Fact]
    public void The_case_court_wins_over_the_court_the_caller_named()
    {
        var other = new CourtDirectory("court-b", "court-b-platform");
        var directory = Directory(Court(), other);

        var decision = Router.Route(directory, new RoutingRequest(TicketKind.ContactJudge, TicketSubKind.Unspecified, "court-b", Case(judge: "civil-1")), Now);

        AssertJudge(decision, "civil-1", RoutingRule.PresidingJudge);
        Assert.Equal(CourtId, decision.CourtId);
    }

    [Fact]
    public void A_moved_case_is_followed_to_its_current_court_and_says_so()
    {
        var appealCourt = new CourtDirectory("court-appeal", "court-appeal-platform");
        appealCourt.AddDivision("civil-appeal", DivisionRole.Trial);
        appealCourt.AddJudge("appeal-1", "civil-appeal", JudgeRole.Judge);
        var directory = Directory(Court(), appealCourt);
        var facts = new CaseFacts("court-appeal", "civil-appeal", "appeal-1", Moved: true);

        var decision = Router.Route(directory, new RoutingRequest(TicketKind.ContactJudge, TicketSubKind.Unspecified, CourtId, facts), Now);

        AssertJudge(decision, "appeal-1", RoutingRule.PresidingJudge);
        Assert.Equal("court-appeal", decision.CourtId);
        Assert.True(decision.FollowedMove);
        Assert.Equal("case-moved/presiding-judge", RoutingExplanation.RuleName(decision));
        Assert.StartsWith("The case moved to court court-appeal; ", RoutingExplanation.Describe(decision), StringComparison.Ordinal);
    }

    [Fact]
    public void A_moved_case_is_marked_as_followed_whatever_rule_decides()
    {
        var court = Court();
        var moved = Case(judge: null) with { Moved = true };

        var decision = Router.Route(court, Request(TicketKind.CaseInquiry, moved), Now);

        Assert.True(decision.FollowedMove);
        Assert.Equal(RoutingRule.SubPlatform, decision.Rule);
        Assert.StartsWith("case-moved/", RoutingExplanation.RuleName(decision), StringComparison.Ordinal);
    }

    [Fact]
    public void Court_overrides_are_tried_in_order_before_the_default_rules()
    {
        var court = Court();
        court.Rules =
        [
            new RoutingRuleEntry("suggestions-to-filing", TicketKind.Suggestion, TicketSubKind.Unspecified, null, AssigneeType.Division, "filing"),
            new RoutingRuleEntry("contact-to-queue", TicketKind.ContactJudge, TicketSubKind.Unspecified, null, AssigneeType.PlatformQueue, "contact-queue"),
            new RoutingRuleEntry("never-reached", TicketKind.ContactJudge, TicketSubKind.Unspecified, null, AssigneeType.Judge, "civil-2"),
        ];

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        Assert.Equal(AssigneeType.PlatformQueue, decision.Type);
        Assert.Equal("contact-queue", decision.Id);
        Assert.Equal(TicketMode.Undecided, decision.Mode);
        Assert.Equal(RoutingRule.CourtOverride, decision.Rule);
        Assert.Same(court.Rules[1], decision.Override);
        Assert.Equal("court-override:contact-to-queue", RoutingExplanation.RuleName(decision));
    }

    [Fact]
    public void A_court_override_can_match_on_the_sub_kind()
    {
        var court = Court();
        court.Rules =
        [
            new RoutingRuleEntry("complaints-to-head", TicketKind.Unspecified, TicketSubKind.SuggestionComplaint, null, AssigneeType.Judge, "civil-head"),
        ];

        var complaint = Router.Route(court, Request(TicketKind.Suggestion, null, TicketSubKind.SuggestionComplaint), Now);
        var opinion = Router.Route(court, Request(TicketKind.Suggestion, null, TicketSubKind.SuggestionOpinion), Now);

        AssertJudge(complaint, "civil-head", RoutingRule.CourtOverride);
        Assert.Equal("complaints-to-head", complaint.Override?.RuleId);
        Assert.Equal(RoutingRule.ServiceOffice, opinion.Rule);
        Assert.Null(opinion.Override);
    }

    [Fact]
    public void A_court_override_can_match_on_the_case_division()
    {
        var court = Court();
        court.AddDivision("execution", DivisionRole.Execution);
        court.AddJudge("exec-1", "execution", JudgeRole.Judge);
        court.Rules =
        [
            new RoutingRuleEntry("civil-inquiries", TicketKind.CaseInquiry, TicketSubKind.Unspecified, "civil", AssigneeType.Division, "execution"),
        ];

        var civil = Router.Route(court, Request(TicketKind.CaseInquiry, Case(judge: "civil-1", division: "civil")), Now);
        var filing = Router.Route(court, Request(TicketKind.CaseInquiry, Case(judge: "civil-1", division: "filing")), Now);
        var noCase = Router.Route(court, Request(TicketKind.CaseInquiry, null), Now);

        AssertJudge(civil, "exec-1", RoutingRule.CourtOverride);
        AssertSubPlatform(filing);
        AssertSubPlatform(noCase);
    }

    [Fact]
    public void A_court_override_to_a_judge_on_leave_follows_the_leave_rules()
    {
        var court = Court();
        OnLeave(court, "civil-head", delegateId: "civil-3");
        court.Rules =
        [
            new RoutingRuleEntry("filings-to-head", TicketKind.OnlineFiling, TicketSubKind.Unspecified, null, AssigneeType.Judge, "civil-head"),
        ];

        var decision = Router.Route(court, Request(TicketKind.OnlineFiling, null), Now);

        AssertJudge(decision, "civil-3", RoutingRule.CourtOverride);
    }

    [Fact]
    public void A_court_override_naming_a_judge_missing_from_the_directory_falls_back_to_the_sub_platform()
    {
        var court = Court();
        court.Rules =
        [
            new RoutingRuleEntry("stale-rule", TicketKind.OnlineFiling, TicketSubKind.Unspecified, null, AssigneeType.Judge, "retired-judge"),
        ];

        var decision = Router.Route(court, Request(TicketKind.OnlineFiling, null), Now);

        Assert.Equal(AssigneeType.PlatformQueue, decision.Type);
        Assert.Equal(SubPlatformId, decision.Id);
        Assert.Equal(TicketMode.Undecided, decision.Mode);
    }

    [Fact]
    public void A_court_override_that_does_not_match_leaves_the_default_rules_to_decide()
    {
        var court = Court();
        court.Rules =
        [
            new RoutingRuleEntry("only-online-matters", TicketKind.OnlineMatter, TicketSubKind.Unspecified, null, AssigneeType.PlatformQueue, "matters"),
        ];

        var decision = Router.Route(court, ContactJudge("civil-1"), Now);

        AssertJudge(decision, "civil-1", RoutingRule.PresidingJudge);
        Assert.Null(decision.Override);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(4 * 24 * 60 - 1, false)]
    [InlineData(4 * 24 * 60, true)]
    [InlineData(10 * 24 * 60, true)]
    public void A_leave_runs_from_its_first_instant_up_to_but_not_including_its_end(int minutesAfterLeaveStarts, bool available)
    {
        var court = Court();
        var judge = court.Judges["civil-1"];
        judge.LeaveFrom = Now;
        judge.LeaveTo = Now.AddDays(4);
        judge.DelegateJudgeId = "civil-2";
        var at = Now.AddMinutes(minutesAfterLeaveStarts);

        var decision = Router.Route(court, ContactJudge("civil-1"), at);

        Assert.Equal(available, judge.IsAvailable(at));
        AssertJudge(decision, available ? "civil-1" : "civil-2", available ? RoutingRule.PresidingJudge : RoutingRule.Delegate);
    }

    [Fact]
    public void A_leave_without_an_end_lasts_until_it_is_lifted()
    {
        var judge = new JudgeEntry("civil-1", "civil", JudgeRole.Judge) { LeaveFrom = Now };

        Assert.True(judge.IsAvailable(Now.AddTicks(-1)));
        Assert.False(judge.IsAvailable(Now));
        Assert.False(judge.IsAvailable(Now.AddYears(5)));
    }

    [Fact]
    public void An_end_of_leave_without_a_start_changes_nothing()
    {
        var judge = new JudgeEntry("civil-1", "civil", JudgeRole.Judge) { LeaveTo = Now };

        Assert.True(judge.IsAvailable(Now.AddDays(-1)));
        Assert.True(judge.IsAvailable(Now.AddDays(1)));
    }

    /// <summary>A filing division (two members), a civil division (head + four judges), an empty service office.</summary>
    private static CourtDirectory Court()
    {
        var court = new CourtDirectory(CourtId, SubPlatformId);
        court.AddDivision("filing", DivisionRole.Filing);
        court.AddDivision("civil", DivisionRole.Trial, headJudgeId: "civil-head");
        court.AddDivision("service-office", DivisionRole.ServiceOffice);
        court.AddJudge("filing-1", "filing", JudgeRole.Judge);
        court.AddJudge("filing-2", "filing", JudgeRole.Judge);
        court.AddJudge("civil-head", "civil", JudgeRole.DivisionHead);
        for (var i = 1; i <= 4; i++)
        {
            court.AddJudge($"civil-{i}", "civil", JudgeRole.Judge);
        }

        return court;
    }

    private static RoutingDirectory Directory(params CourtDirectory[] courts)
    {
        var directory = new RoutingDirectory();
        foreach (var court in courts)
        {
            directory.Add(court);
        }

        return directory;
    }

    private static void OnLeave(CourtDirectory court, string judgeId, string? delegateId = null)
    {
        var judge = court.Judges[judgeId];
        judge.LeaveFrom = Now.AddDays(-1);
        judge.LeaveTo = Now.AddDays(1);
        judge.DelegateJudgeId = delegateId;
    }

    private static CaseFacts Case(string? judge, string? division = "civil") => new(CourtId, division, judge, Moved: false);

    private static RoutingRequest ContactJudge(string presidingJudgeId) =>
        Request(TicketKind.ContactJudge, Case(presidingJudgeId), TicketSubKind.ContactProgressInquiry);

    private static RoutingRequest Request(TicketKind kind, CaseFacts? facts, TicketSubKind subKind = TicketSubKind.Unspecified) =>
        new(kind, subKind, CourtId, facts);

    private static void AssertJudge(RoutingDecision decision, string judgeId, RoutingRule rule)
    {
        Assert.Equal(AssigneeType.Judge, decision.Type);
        Assert.Equal(judgeId, decision.Id);
        Assert.Equal(rule, decision.Rule);
        Assert.Equal(TicketMode.Dispatched, decision.Mode);
    }

    private static void AssertSubPlatform(RoutingDecision decision)
    {
        Assert.Equal(AssigneeType.PlatformQueue, decision.Type);
        Assert.Equal(SubPlatformId, decision.Id);
        Assert.Equal(RoutingRule.SubPlatform, decision.Rule);
        Assert.Equal(TicketMode.Undecided, decision.Mode);
        Assert.Equal(CourtId, decision.CourtId);
    }

    private static void AssertTriage(RoutingDecision decision)
    {
        Assert.Equal(RoutingRule.Triage, decision.Rule);
        Assert.Equal(AssigneeType.PlatformQueue, decision.Type);
        Assert.Equal(RoutingDecision.TriageQueueId, decision.Id);
        Assert.Equal(TicketMode.Undecided, decision.Mode);
        Assert.Null(decision.CourtId);
        Assert.False(decision.FollowedMove);
    }
}
