using System.Collections.Immutable;

namespace Engine.Contracts.Grains;

/// <summary>One case, keyed by its normalized case number.</summary>
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces what the case-management system knows of the case.</summary>
    Task<CaseRecord> UpsertAsync(CaseUpsert update);

    /// <summary>The case, or null when unknown.</summary>
    Task<CaseRecord?> GetAsync();

    /// <summary>Changes the presiding judge. (The case's open tickets are then moved by <see cref="IReroutingGrain"/>.)</summary>
    Task<CaseRecord> AssignJudgeAsync(string judgeId, string actor, string? reason);

    /// <summary>The case was appealed or transferred to <paramref name="toCourtId"/> (there numbered
    /// <paramref name="toCaseNumber"/> when known): new tickets follow it there.</summary>
    Task<CaseRecord> MoveAsync(string toCourtId, string? toCaseNumber, string actor, string? reason);

    /// <summary>Records a progress node.</summary>
    Task<CaseRecord> RecordNodeAsync(CaseNodeInfo node, string actor);

    /// <summary>The public nodes, for a party or agent who proves who they are; null for every kind of failure.</summary>
    Task<ImmutableArray<CaseNodeInfo>?> LookupAsync(string phone, string password);

    /// <summary>Lifts the look-up lockout (and clears the failures) of <paramref name="phone"/> on this case; the case
    /// must be known.</summary>
    Task<LookupLockoutLifted> LiftLookupLockoutAsync(string phone);

    /// <summary>Appends to the log any event the case's state still holds (after a crash); the start-up sweep calls it.</summary>
    Task EnsureEventsLoggedAsync();

    /// <summary>What routing needs, or null when the case is unknown.</summary>
    Task<CaseRoutingFacts?> GetRoutingFactsAsync();
}
