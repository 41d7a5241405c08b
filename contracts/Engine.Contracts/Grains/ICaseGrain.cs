namespace Engine.Contracts.Grains;

/// <summary>One case, keyed by its normalized case number.</summary>
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces what the case-management system knows of the case.</summary>
    Task<CaseRecord> UpsertAsync(CaseUpsert update);

    /// <summary>The case, or null when unknown.</summary>
    Task<CaseRecord?> GetAsync();

    /// <summary>Changes the presiding judge.</summary>
    Task<CaseRecord> AssignJudgeAsync(string judgeId, string actor, string? reason);

    /// <summary>What routing needs, or null when the case is unknown.</summary>
    Task<CaseRoutingFacts?> GetRoutingFactsAsync();
}
