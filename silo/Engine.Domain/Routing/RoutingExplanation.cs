namespace Engine.Domain.Routing;

/// <summary>Names and sentences for routing decisions; made off the hot path, when the ticket is written.</summary>
public static class RoutingExplanation
{
    public static string RuleName(RoutingDecision decision) =>
        (decision.FollowedMove ? "case-moved/" : string.Empty) + decision.Rule switch
        {
            RoutingRule.Triage => "triage",
            RoutingRule.CourtOverride => "court-override:" + decision.Override?.RuleId,
            RoutingRule.PresidingJudge => "presiding-judge",
            RoutingRule.Delegate => "delegate",
            RoutingRule.DivisionHead => "division-head",
            RoutingRule.DivisionQueue => "division-queue",
            RoutingRule.FilingDivisionNoJudge => "filing-division-no-judge",
            RoutingRule.SubPlatform => "sub-platform",
            RoutingRule.ServiceOffice => "service-office",
            RoutingRule.FilingDivision => "filing-division",
            RoutingRule.CaseDivision => "case-division",
            _ => decision.Rule.ToString(),
        };

    public static string Describe(RoutingDecision decision)
    {
        var moved = decision.FollowedMove ? $"The case moved to court {decision.CourtId}; " : string.Empty;
        var what = decision.Rule switch
        {
            RoutingRule.Triage => "no court or case matched, so the ticket waits in the platform's triage queue",
            RoutingRule.CourtOverride => $"the court's routing rule '{decision.Override?.RuleId}' sends it to {decision.Type} {decision.Id}",
            RoutingRule.PresidingJudge => $"judge {decision.Id} presides over the case",
            RoutingRule.Delegate => $"the presiding judge is on leave and delegated to judge {decision.Id}",
            RoutingRule.DivisionHead => $"the presiding judge is on leave without an available delegate, so it goes to the division head {decision.Id}",
            RoutingRule.DivisionQueue => $"the presiding judge and the division head are unavailable; {decision.Id} is the division's least-loaded available member",
            RoutingRule.FilingDivisionNoJudge => $"no judge is assigned to the case yet, so the filing division handles it ({decision.Type} {decision.Id})",
            RoutingRule.SubPlatform => $"the court's sub-platform {decision.Id} answers it on the spot or dispatches it",
            RoutingRule.ServiceOffice => $"suggestions go to the court's service management office ({decision.Type} {decision.Id})",
            RoutingRule.FilingDivision => $"online filings go to the court's filing division ({decision.Type} {decision.Id})",
            RoutingRule.CaseDivision => $"the presiding judge is not in the court's directory, so the case's division handles it ({decision.Type} {decision.Id})",
            _ => decision.Rule.ToString(),
        };
        return moved + what + ".";
    }
}
