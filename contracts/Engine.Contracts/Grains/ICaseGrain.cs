using System.Collections.Immutable;

namespace Engine.Contracts.Grains;

/// <summary>One case, keyed by its normalized case number.</summary>
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces what the case-management system knows of the case.</summary>
    Task<CaseRecord> UpsertAsync(CaseUpsert update);

    /// <summary>The case, or null when unknown.</summary>
    Task<CaseRecord?> GetAsync();

    /// <summary>The case as it is in memory, answered between the steps of another call: what a related case reads to
    /// tell this one's parties (two cases telling each other at once must not wait on each other).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<CaseRecord?> GetForRelatedNoticeAsync();

    /// <summary>Changes the presiding judge. (The case's open tickets are then moved by <see cref="IReroutingGrain"/>.)</summary>
    Task<CaseRecord> AssignJudgeAsync(string judgeId, string actor, string? reason);

    /// <summary>The case was appealed or transferred to <paramref name="toCourtId"/> (there numbered
    /// <paramref name="toCaseNumber"/> when known): new tickets follow it there.</summary>
    Task<CaseRecord> MoveAsync(string toCourtId, string? toCaseNumber, string actor, string? reason);

    /// <summary>Records a progress node.</summary>
    Task<CaseRecord> RecordNodeAsync(CaseNodeInfo node, string actor);

    /// <summary>The public nodes, for a party or agent who proves who they are; null for every kind of failure.
    /// (Kept for front-ends of earlier builds: <see cref="LookupNamedAsync"/>.)</summary>
    Task<ImmutableArray<CaseNodeInfo>?> LookupAsync(string phone, string password);

    /// <summary>As <see cref="LookupAsync"/>, each node named as the case's court names its type; a node whose type
    /// the court's catalogue does not call public is left out.</summary>
    Task<ImmutableArray<NamedCaseNode>?> LookupNamedAsync(string phone, string password);

    /// <summary>Lifts the look-up lockout (and clears the failures) of <paramref name="phone"/> on this case; the case
    /// must be known.</summary>
    Task<LookupLockoutLifted> LiftLookupLockoutAsync(string phone);

    /// <summary>Appends to the log any event the case's state still holds (after a crash); the start-up sweep calls it.</summary>
    Task EnsureEventsLoggedAsync();

    /// <summary>What routing needs, or null when the case is unknown.</summary>
    Task<CaseRoutingFacts?> GetRoutingFactsAsync();

    /// <summary>Sends the hearing reminders that are due (case.hearing_reminder, once per party per hearing and time) and
    /// sets the case's next wake; answers how many were sent (at least 1 when the wake was set again). Woken by a timer
    /// shard; firing twice sends nothing twice.</summary>
    [ResponseTimeout(WakeCall.ResponseTimeout)]
    Task<int> FireDueAsync();
}
