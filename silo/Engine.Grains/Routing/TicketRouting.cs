using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Routing;

namespace Engine.Grains.Routing;

/// <summary>Routing as intake, dispatch and re-routing all do it: the case's facts (a moved case followed hop by
/// hop from here, never grain-to-grain, so that a move cycle cannot deadlock), then the court grain decides.</summary>
internal static class TicketRouting
{
    private const int MaxCaseMoves = 8;

    public static readonly RoutingInfo TriageInfo = new(
        RoutingExplanation.RuleName(RoutingDecision.Triage), RoutingExplanation.Describe(RoutingDecision.Triage));

    /// <param name="courtId">The court the caller addressed, used when the case is unknown.</param>
    /// <param name="reserve">Count the ticket against the chosen member's load now (intake), rather than when the
    /// ticket's write moves it (commands on an existing ticket).</param>
    /// <returns>The target, and whether the case was found (so a caller can tell an unknown court apart).</returns>
    public static async Task<(RoutedTarget Target, CaseFacts? Facts)> RouteAsync(
        IGrainFactory grains, TicketKind kind, TicketSubKind subKind, string? courtId, string? caseNumber, bool dispatch = false, bool reserve = true)
    {
        var facts = caseNumber is null ? null : await FollowCaseAsync(grains, caseNumber);
        var court = facts?.CourtId ?? courtId;
        var target = court is null
            ? new RoutedTarget(false, Assignee.Triage, TicketMode.Undecided, TriageInfo)
            : await grains.GetGrain<ICourtGrain>(court).RouteAsync(new RoutingRequest(kind, subKind, court, facts, dispatch), reserve);
        return (target, facts);
    }

    public static async Task<CaseFacts?> FollowCaseAsync(IGrainFactory grains, string caseNumber)
    {
        var facts = await grains.GetGrain<ICaseGrain>(caseNumber).GetRoutingFactsAsync();
        if (facts is null)
        {
            return null;
        }

        var moved = false;
        for (var hop = 0; hop < MaxCaseMoves && facts.MovedToCourtId is { } toCourt; hop++)
        {
            moved = true;
            var next = facts.MovedToCaseNumber is { } toCase
                ? await grains.GetGrain<ICaseGrain>(toCase).GetRoutingFactsAsync()
                : null;
            if (next is null)
            {
                // Moved, but the new court has not registered the case yet: its court decides, with no judge known.
                return new CaseFacts(toCourt, null, null, Moved: true);
            }

            facts = next;
        }

        return new CaseFacts(facts.CourtId, facts.DivisionId, facts.PresidingJudgeId, moved);
    }
}
