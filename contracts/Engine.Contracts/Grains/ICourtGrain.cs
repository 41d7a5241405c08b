using System.Collections.Immutable;
using Engine.Domain.Routing;

namespace Engine.Contracts.Grains;

/// <summary>One court's directory (divisions, people, availability, routing overrides) and the routing decisions made in it.</summary>
public interface ICourtGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the court itself.</summary>
    Task<CourtInfo> UpsertCourtAsync(CourtInfo court);

    /// <summary>Creates or updates one division.</summary>
    Task<DivisionInfo> UpsertDivisionAsync(DivisionInfo division);

    /// <summary>Creates or updates one person of the court.</summary>
    Task<JudgeInfo> UpsertJudgeAsync(JudgeInfo judge);

    /// <summary>Removes a person who moved to another court.</summary>
    Task RemoveJudgeAsync(string judgeId);

    /// <summary>Sets a person's leave and delegate.</summary>
    Task<JudgeInfo> SetAvailabilityAsync(string judgeId, AvailabilityInfo availability);

    /// <summary>Merges the court's part of a directory import (its entry, when listed, and its people) in one write;
    /// writes nothing when nothing changes. Answers how many of the court, its divisions and people changed.</summary>
    Task<int> ImportAsync(DirectoryImport part);

    /// <summary>Replaces the court's routing overrides.</summary>
    Task SetRoutingRulesAsync(ImmutableArray<RoutingRuleEntry> rules);

    /// <summary>Appends to the log any event the court's state still holds (after a crash); the start-up sweep calls it.</summary>
    Task EnsureEventsLoggedAsync();

    /// <summary>The court's directory, or null when the court is unknown.</summary>
    Task<CourtSnapshot?> GetAsync();

    /// <summary>One person of the court, or null when they are not of it (their judge grain reads them here).</summary>
    Task<JudgeInfo?> GetJudgeAsync(string judgeId);

    /// <summary>Routes a ticket in this court; with <paramref name="reserve"/>, counts it against the chosen member's load.</summary>
    Task<RoutedTarget> RouteAsync(RoutingRequest request, bool reserve);

    /// <summary>A ticket left a member's hands (replied, moved, cancelled): their load drops by one.</summary>
    [Orleans.Concurrency.OneWay]
    Task ReleaseAsync(string judgeId);

    /// <summary>A ticket came to a member other than by routing (transfer, reopen): their load rises by one.</summary>
    [Orleans.Concurrency.OneWay]
    Task AcquireAsync(string judgeId);

    /// <summary>Checks that a judge, division or office of this court exists; answers it with the court filled in.</summary>
    Task<Assignee> ResolveAsync(Assignee target);

    /// <summary>Who <paramref name="deadlineStep"/> for a ticket held by <paramref name="handler"/> goes to, resolved now.</summary>
    Task<ImmutableArray<Domain.Calendar.Recipient>> RecipientsAsync(Domain.Calendar.DeadlineStep deadlineStep, Assignee handler);

    /// <summary>A ticket routed by <paramref name="rule"/> came back as mis-routed.</summary>
    Task RecordReturnAsync(string rule);
}

/// <summary>The routing outcome as tickets record it. <paramref name="StandsIn"/>: the assignee holds the ticket for
/// a judge on leave (delegate or division head), so the ticket stays visible to that judge.</summary>
[GenerateSerializer, Immutable]
public sealed record RoutedTarget(bool CourtKnown, Assignee Assignee, Domain.TicketMode Mode, RoutingInfo Routing, bool StandsIn = false);
