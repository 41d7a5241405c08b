using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;

namespace Engine.Grains.Grains;

[GenerateSerializer]
internal sealed class CaseState
{
    [Id(0)]
    public CaseRecord? Case { get; set; }

    [Id(1)]
    public string? PasswordHash { get; set; }
}

/// <summary>One case, as the case-management system describes it; grain state through the ADO.NET provider.</summary>
internal sealed class CaseGrain(
    [PersistentState("case", EngineStorage.GrainStateName)] IPersistentState<CaseState> state) : Grain, ICaseGrain
{
    public async Task<CaseRecord> UpsertAsync(CaseUpsert update)
    {
        if (await GrainFactory.GetGrain<ICourtGrain>(update.CourtId).GetAsync() is null)
        {
            throw EngineException.Invalid("case.court_id", $"court '{update.CourtId}' is not in the directory");
        }

        var previous = state.State.Case;
        state.State.Case = new CaseRecord(
            this.GetPrimaryKeyString(), update.CourtId, update.DivisionId, update.PresidingJudgeId, update.Parties,
            update.Status == CaseStatus.Unspecified ? previous?.Status ?? CaseStatus.Open : update.Status,
            previous?.Nodes ?? [], update.RelatedCases, previous?.MovedToCourtId, previous?.MovedToCaseNumber,
            (previous?.Version ?? 0) + 1);
        if (!string.IsNullOrEmpty(update.ServicePassword))
        {
            state.State.PasswordHash = ServicePassword.Hash(update.ServicePassword);
        }

        await state.WriteStateAsync();
        return state.State.Case;
    }

    public Task<CaseRecord?> GetAsync() => Task.FromResult(state.State.Case);

    public async Task<CaseRecord> AssignJudgeAsync(string judgeId, string actor, string? reason)
    {
        var current = state.State.Case ?? throw EngineException.NotFound($"case {this.GetPrimaryKeyString()} is not known");
        state.State.Case = current with { PresidingJudgeId = judgeId, Version = current.Version + 1 };
        await state.WriteStateAsync();
        return state.State.Case;
    }

    public Task<CaseRoutingFacts?> GetRoutingFactsAsync() => Task.FromResult(state.State.Case is { } c
        ? new CaseRoutingFacts(c.CaseNumber, c.CourtId, c.DivisionId, c.PresidingJudgeId, c.MovedToCourtId, c.MovedToCaseNumber)
        : null);
}
