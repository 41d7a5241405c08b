using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts.Grains;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Grains;

[GenerateSerializer]
internal sealed class LookupGuardState
{
    [Id(0)]
    public int Failures { get; set; }

    [Id(1)]
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>Counts failed look-ups of one (case, phone) pair, durably, so that a restart does not reset a lockout.</summary>
internal sealed class LookupGuardGrain(
    [PersistentState("lookup-guard", EngineStorage.GrainStateName)] IPersistentState<LookupGuardState> state,
    IOptions<TicketPolicyOptions> policy,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, ILookupGuardGrain
{
    public Task<bool> IsLockedAsync() => Task.FromResult(state.State.LockedUntil is { } until && time.GetUtcNow() < until);

    public async Task RecordFailureAsync()
    {
        var now = time.GetUtcNow();
        if (state.State.LockedUntil is { } until && now >= until)
        {
            state.State.Failures = 0;
            state.State.LockedUntil = null;
        }

        state.State.Failures++;
        if (state.State.Failures >= policy.Value.LookupMaxFailures)
        {
            state.State.LockedUntil = now + policy.Value.LookupLockout;
        }

        await state.WriteStateAsync();
    }

    public async Task ResetAsync()
    {
        if (state.State.Failures > 0 || state.State.LockedUntil is not null)
        {
            state.State.Failures = 0;
            state.State.LockedUntil = null;
            await state.WriteStateAsync();
        }
    }
}
