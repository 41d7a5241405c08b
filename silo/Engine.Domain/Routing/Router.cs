namespace Engine.Domain.Routing;

/// <summary>
/// The routing decision of DESIGN.md §3, in the courts' order: a moved case is followed to its current court
/// (the caller resolves the move and says so in <see cref="CaseFacts.Moved"/>); the court's overrides; the
/// presiding judge (delegate, division head, division queue when on leave; filing division when none);
/// the sub-platform for inquiries and consultations; the service office for suggestions; the filing division
/// for online filings; the triage queue when nothing matches. Within a division or office, the least-loaded
/// available member. Pure and allocation-free: it reads the directory and returns references held there.
/// </summary>
public static class Router
{
    public static RoutingDecision Route(RoutingDirectory directory, in RoutingRequest request, DateTimeOffset now)
    {
        var courtId = request.Case is { } facts ? facts.CourtId : request.CourtId;
        if (courtId is null || !directory.TryGetCourt(courtId, out var court))
        {
            return RoutingDecision.Triage;
        }

        return Route(court, request, now);
    }

    public static RoutingDecision Route(CourtDirectory court, in RoutingRequest request, DateTimeOffset now)
    {
        var decision = Decide(court, request, now);
        return request.Case is { Moved: true } ? decision with { FollowedMove = true } : decision;
    }

    private static RoutingDecision Decide(CourtDirectory court, in RoutingRequest request, DateTimeOffset now)
    {
        var caseDivision = request.Case?.DivisionId;
        foreach (var rule in court.Rules)
        {
            if (rule.Matches(request.Kind, request.SubKind, caseDivision))
            {
                return ToTarget(court, rule.TargetType, rule.TargetId, RoutingRule.CourtOverride, now) with { Override = rule };
            }
        }

        switch (request.Kind)
        {
            case var kind when TicketKinds.GoesToPresidingJudge(kind) && request.Case is { } facts:
                if (facts.PresidingJudgeId is null)
                {
                    return ToDivision(court, court.FilingDivisionId, RoutingRule.FilingDivisionNoJudge, now, AssigneeType.Division);
                }

                if (court.Judges.TryGetValue(facts.PresidingJudgeId, out var judge))
                {
                    return ToJudge(court, judge, now);
                }

                // The presiding judge is not in this court's directory (yet): the case's own division.
                return ToDivision(court, facts.DivisionId ?? court.FilingDivisionId, RoutingRule.CaseDivision, now, AssigneeType.Division);

            case TicketKind.CaseInquiry or TicketKind.Consultation or TicketKind.Callback when !request.Dispatch:
                return SubPlatform(court);

            case TicketKind.CaseInquiry or TicketKind.Consultation when request.Case is { DivisionId: { } division }:
                // Dispatched by staff: the business line of the case.
                return ToDivision(court, division, RoutingRule.CaseDivision, now, AssigneeType.Division);

            case TicketKind.Suggestion:
                return ToDivision(court, court.ServiceOfficeId, RoutingRule.ServiceOffice, now, AssigneeType.Office);

            case TicketKind.OnlineFiling:
                return ToDivision(court, court.FilingDivisionId, RoutingRule.FilingDivision, now, AssigneeType.Division);

            default:
                // Without a case: the staff find the case first; dispatched anyway, the filing division.
                return request.Dispatch
                    ? ToDivision(court, court.FilingDivisionId, RoutingRule.FilingDivision, now, AssigneeType.Division)
                    : SubPlatform(court);
        }
    }

    private static RoutingDecision SubPlatform(CourtDirectory court) =>
        new(AssigneeType.PlatformQueue, court.SubPlatformId, court.CourtId, TicketMode.Undecided, RoutingRule.SubPlatform, false, null);

    private static RoutingDecision ToTarget(CourtDirectory court, AssigneeType type, string id, RoutingRule rule, DateTimeOffset now) =>
        type switch
        {
            AssigneeType.Judge when court.Judges.TryGetValue(id, out var judge) => ToJudge(court, judge, now) with { Rule = rule },
            AssigneeType.Division or AssigneeType.Office => ToDivision(court, id, rule, now, type),
            AssigneeType.PlatformQueue => new(AssigneeType.PlatformQueue, id, court.CourtId, TicketMode.Undecided, rule, false, null),
            _ => SubPlatform(court),
        };

    /// <summary>The judge; on leave: the delegate, else the division head, else the division's least-loaded member.</summary>
    private static RoutingDecision ToJudge(CourtDirectory court, JudgeEntry judge, DateTimeOffset now)
    {
        if (judge.IsAvailable(now))
        {
            return Dispatched(court, judge.Id, RoutingRule.PresidingJudge);
        }

        if (judge.DelegateJudgeId is { } delegateId
            && court.Judges.TryGetValue(delegateId, out var delegateJudge)
            && delegateJudge.IsAvailable(now))
        {
            return Dispatched(court, delegateJudge.Id, RoutingRule.Delegate);
        }

        if (judge.DivisionId is { } divisionId && court.Divisions.TryGetValue(divisionId, out var division))
        {
            if (division.HeadJudgeId is { } headId
                && !string.Equals(headId, judge.Id, StringComparison.Ordinal)
                && court.Judges.TryGetValue(headId, out var head)
                && head.IsAvailable(now))
            {
                return Dispatched(court, head.Id, RoutingRule.DivisionHead);
            }

            return LeastLoaded(court, division, RoutingRule.DivisionQueue, now, AssigneeType.Division);
        }

        return SubPlatform(court);
    }

    private static RoutingDecision ToDivision(CourtDirectory court, string? divisionId, RoutingRule rule, DateTimeOffset now, AssigneeType queueType)
    {
        if (divisionId is null || !court.Divisions.TryGetValue(divisionId, out var division))
        {
            return SubPlatform(court);
        }

        return LeastLoaded(court, division, rule, now, queueType);
    }

    /// <summary>The least-loaded available member (first on ties); the queue itself when nobody is available.</summary>
    private static RoutingDecision LeastLoaded(CourtDirectory court, DivisionEntry division, RoutingRule rule, DateTimeOffset now, AssigneeType queueType)
    {
        JudgeEntry? best = null;
        foreach (var member in division.Members)
        {
            if (member.IsAvailable(now) && (best is null || member.Load < best.Load))
            {
                best = member;
            }
        }

        return best is null
            ? new(queueType, division.Id, court.CourtId, TicketMode.Dispatched, rule, false, null)
            : Dispatched(court, best.Id, rule);
    }

    private static RoutingDecision Dispatched(CourtDirectory court, string judgeId, RoutingRule rule) =>
        new(AssigneeType.Judge, judgeId, court.CourtId, TicketMode.Dispatched, rule, false, null);
}
