using Orleans;

namespace Engine.Domain.Routing;

/// <summary>What the case-management system told us about the ticket's case, after following moves.</summary>
/// <param name="CourtId">The court that holds the case now.</param>
/// <param name="Moved">True when the case was appealed or transferred and these facts are of its current court.</param>
[GenerateSerializer, Immutable]
public readonly record struct CaseFacts(string CourtId, string? DivisionId, string? PresidingJudgeId, bool Moved);

/// <param name="CourtId">The court the caller addressed; the case's court wins when the case is known.</param>
/// <param name="Dispatch">Staff dispatch a ticket the platform could not answer: never back to the sub-platform.</param>
[GenerateSerializer, Immutable]
public readonly record struct RoutingRequest(TicketKind Kind, TicketSubKind SubKind, string? CourtId, CaseFacts? Case, bool Dispatch = false);

/// <summary>The rule that decided, so that "why did this go to judge J?" is answered from the ticket.</summary>
public enum RoutingRule
{
    Triage = 0,
    CourtOverride,
    PresidingJudge,
    Delegate,
    DivisionHead,
    DivisionQueue,
    FilingDivisionNoJudge,
    SubPlatform,
    ServiceOffice,
    FilingDivision,
    CaseDivision,
}

/// <summary>The routing decision. Holds only references that already exist in the directory: deciding allocates nothing.</summary>
public readonly record struct RoutingDecision(
    AssigneeType Type,
    string Id,
    string? CourtId,
    TicketMode Mode,
    RoutingRule Rule,
    bool FollowedMove,
    RoutingRuleEntry? Override)
{
    public const string TriageQueueId = "triage";

    public static RoutingDecision Triage => new(AssigneeType.PlatformQueue, TriageQueueId, null, TicketMode.Undecided, RoutingRule.Triage, false, null);
}
