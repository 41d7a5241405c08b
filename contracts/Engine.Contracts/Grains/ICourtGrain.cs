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

    /// <summary>Imports the court with its divisions and people in one write.</summary>
    Task ImportAsync(CourtImport court, ImmutableArray<JudgeInfo> judges);

    /// <summary>Replaces the court's routing overrides.</summary>
    Task SetRoutingRulesAsync(ImmutableArray<RoutingRuleEntry> rules);

    /// <summary>The court's directory, or null when the court is unknown.</summary>
    Task<CourtSnapshot?> GetAsync();

    /// <summary>Routes a ticket in this court and counts it against the chosen member's load.</summary>
    Task<RoutedTarget> RouteAsync(RoutingRequest request);

    /// <summary>A ticket left a member's hands (closed, moved): their load drops by one.</summary>
    [Orleans.Concurrency.OneWay]
    Task ReleaseAsync(string judgeId);
}

/// <summary>The routing outcome as tickets record it.</summary>
[GenerateSerializer, Immutable]
public sealed record RoutedTarget(bool CourtKnown, Assignee Assignee, Domain.TicketMode Mode, RoutingInfo Routing);
