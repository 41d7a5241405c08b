namespace Engine.Contracts.Grains;

/// <summary>
/// Moves open tickets when what routed them changed: a case's judge or court, a judge's leave. Stateless, and
/// outside the case and court grains on purpose: re-routing a ticket reads the case and asks the court, which would
/// deadlock if those grains waited for it.
/// </summary>
public interface IReroutingGrain : IGrainWithIntegerKey
{
    /// <summary>Routes the case's open tickets again; answers how many moved.</summary>
    Task<int> RerouteCaseAsync(string caseNumber, string actor, string reason);

    /// <summary>Routes the open tickets a judge holds again (their leave began); answers how many moved.</summary>
    Task<int> RerouteJudgeAsync(string courtId, string judgeId, string actor, string reason);
}
