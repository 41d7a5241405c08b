using Engine.Contracts.Grains;

namespace Engine.Grains.Grains;

[GenerateSerializer]
internal sealed class JudgeLocation
{
    [Id(0)]
    public string? CourtId { get; set; }
}

internal sealed class JudgeGrain(
    [PersistentState("judge", EngineStorage.GrainStateName)] IPersistentState<JudgeLocation> state) : Grain, IJudgeGrain
{
    public Task<string?> GetCourtAsync() => Task.FromResult(state.State.CourtId);

    public async Task SetCourtAsync(string courtId)
    {
        if (!string.Equals(state.State.CourtId, courtId, StringComparison.Ordinal))
        {
            state.State.CourtId = courtId;
            await state.WriteStateAsync();
        }
    }
}
