using System.Collections.Immutable;
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
    private string CaseNumber => this.GetPrimaryKeyString();

    public async Task<CaseRecord> UpsertAsync(CaseUpsert update)
    {
        await RequireCourtAsync(update.CourtId, "case.court_id");
        var previous = state.State.Case;
        state.State.Case = new CaseRecord(
            CaseNumber, update.CourtId, update.DivisionId, update.PresidingJudgeId, update.Parties,
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

    public Task<CaseRecord> AssignJudgeAsync(string judgeId, string actor, string? reason) =>
        ChangeAsync(c => c with { PresidingJudgeId = judgeId });

    public async Task<CaseRecord> MoveAsync(string toCourtId, string? toCaseNumber, string actor, string? reason)
    {
        await RequireCourtAsync(toCourtId, "to_court_id");
        if (string.Equals(toCaseNumber, CaseNumber, StringComparison.Ordinal))
        {
            throw EngineException.Invalid("to_case_number", "a case cannot move to itself");
        }

        return await ChangeAsync(c => c with { MovedToCourtId = toCourtId, MovedToCaseNumber = toCaseNumber, Status = CaseStatus.Moved });
    }

    public Task<CaseRecord> RecordNodeAsync(CaseNodeInfo node, string actor) =>
        ChangeAsync(c => c with { Nodes = c.Nodes.Add(node) });

    public async Task<ImmutableArray<CaseNodeInfo>?> LookupAsync(string phone, string password)
    {
        var guard = GrainFactory.GetGrain<ILookupGuardGrain>(CaseNumber + "|" + phone);
        var locked = await guard.IsLockedAsync();

        // The hash is computed whatever else failed, so that every failure takes the same time.
        var passwordMatches = ServicePassword.Verify(password, state.State.PasswordHash);
        var isParty = state.State.Case?.Parties.Any(p => string.Equals(p.Phone, phone, StringComparison.Ordinal)) == true;
        if (locked || !passwordMatches || !isParty)
        {
            await guard.RecordFailureAsync();
            return null;
        }

        await guard.ResetAsync();
        return [.. state.State.Case!.Nodes.Where(n => n.Public).OrderBy(n => n.At)];
    }

    public Task<CaseRoutingFacts?> GetRoutingFactsAsync() => Task.FromResult(state.State.Case is { } c
        ? new CaseRoutingFacts(c.CaseNumber, c.CourtId, c.DivisionId, c.PresidingJudgeId, c.MovedToCourtId, c.MovedToCaseNumber)
        : null);

    private async Task<CaseRecord> ChangeAsync(Func<CaseRecord, CaseRecord> change)
    {
        var current = state.State.Case ?? throw EngineException.NotFound($"case {CaseNumber} is not known");
        state.State.Case = change(current) with { Version = current.Version + 1 };
        await state.WriteStateAsync();
        return state.State.Case;
    }

    private async Task RequireCourtAsync(string courtId, string field)
    {
        if (await GrainFactory.GetGrain<ICourtGrain>(courtId).GetAsync() is null)
        {
            throw EngineException.Invalid(field, $"court '{courtId}' is not in the directory");
        }
    }
}
