using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Microsoft.Extensions.Options;
using Engine.Grains.Tickets;
using Engine.Storage.Access;

namespace Engine.Grains.Security;

[GenerateSerializer]
internal sealed class LookupGuardState
{
    [Id(0)]
    public int Failures { get; set; }

    [Id(1)]
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>How many times the pair has been locked (a lift does not undo one).</summary>
    [Id(2)]
    public int Lockouts { get; set; }

    /// <summary>Attempts refused while the current lock held (cleared with it).</summary>
    [Id(3)]
    public int RefusedWhileLocked { get; set; }
}

/// <summary>Counts failed look-ups of one (case, phone) pair, durably, so that a restart does not reset a lockout.
/// While locked, attempts are refused without being counted: an attempt that extended the lock would let anyone who
/// knows a case number and a party's phone keep that party out for ever, one request per lockout.</summary>
internal sealed class LookupGuardGrain(
    [PersistentState("lookup-guard", EngineStorage.GrainStateName)] IPersistentState<LookupGuardState> state,
    IOptions<TicketPolicyOptions> policy,
    LookupLockoutRecorder recorder,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, ILookupGuardGrain
{
    public Task<bool> IsLockedAsync() => Task.FromResult(IsLocked(time.GetUtcNow()));

    public Task RecordFailureAsync() => SettleAsync(matched: false, courtId: null);

    public async Task ResetAsync()
    {
        if (!IsLocked(time.GetUtcNow()))
        {
            await ClearAsync();
        }
    }

    public async Task<bool> SettleAsync(bool matched, string? courtId)
    {
        var now = time.GetUtcNow();
        if (IsLocked(now))
        {
            // Counted apart, not extending the lock; and written, as a failure is, so that a refusal while locked takes
            // the time of any other (the guard of a number nobody stored can be forgotten before its lock ends: its key
            // lives with the case grain's activation, and the time must not tell the two apart).
            state.State.RefusedWhileLocked++;
            await WriteAsync();
            return false;
        }

        if (matched)
        {
            await ClearAsync();
            return true;
        }

        // A lock that ran out leaves the pair with a clean count.
        var failures = (state.State.LockedUntil is null ? state.State.Failures : 0) + 1;
        DateTimeOffset? lockedUntil = null;
        if (failures >= policy.Value.LookupMaxFailures)
        {
            lockedUntil = now + policy.Value.LookupLockout;
            // On record before the lock is stored, as administrative actions are: no lock goes unseen (a record
            // whose lock then failed to store stands for an attempt that was refused all the same).
            recorder.Record(CaseNumber, courtId, state.State.Lockouts + 1, now, lockedUntil.Value,
                RequestContext.Get(LookupCaller.ContextKey) as string ?? Actors.Engine);
            state.State.Lockouts++;
        }

        state.State.Failures = failures;
        state.State.LockedUntil = lockedUntil;
        state.State.RefusedWhileLocked = 0;
        await WriteAsync();
        return false;
    }

    public async Task<LookupLockoutLifted> LiftAsync()
    {
        var locked = IsLocked(time.GetUtcNow());
        var lifted = new LookupLockoutLifted(locked, state.State.Failures, locked ? state.State.RefusedWhileLocked : 0);
        await ClearAsync();
        return lifted;
    }

    /// <summary>The key is "case number|phone pseudonym"; a case number holds no '|'.</summary>
    private string CaseNumber => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('|')];

    private bool IsLocked(DateTimeOffset now) => state.State.LockedUntil is { } until && now < until;

    private async Task ClearAsync()
    {
        if (state.State.Failures > 0 || state.State.LockedUntil is not null)
        {
            state.State.Failures = 0;
            state.State.LockedUntil = null;
            state.State.RefusedWhileLocked = 0;
            await WriteAsync();
        }
    }

    /// <summary>A failed write leaves memory ahead of storage: the activation goes, and the next call reads storage.</summary>
    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
