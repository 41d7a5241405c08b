namespace Engine.Contracts.Grains;

/// <summary>Failed password look-ups of one (case, phone) pair: after too many, the pair is locked for a while.</summary>
public interface ILookupGuardGrain : IGrainWithStringKey
{
    /// <summary>True while the pair is locked out.</summary>
    Task<bool> IsLockedAsync();

    /// <summary>Kept for silos of the previous build during a rolling upgrade: <see cref="SettleAsync"/> with no
    /// match, no court and no caller.</summary>
    Task RecordFailureAsync();

    /// <summary>Kept for silos of the previous build during a rolling upgrade: clears the count of an unlocked pair.</summary>
    Task ResetAsync();

    /// <summary>Settles one look-up whose password and phone did (<paramref name="matched"/>) or did not match: true
    /// when it may answer. While the pair is locked every attempt is refused, neither counted nor extending the lock;
    /// otherwise a match clears the count and a failure adds to it, locking the pair (and recording the lockout, under
    /// <paramref name="courtId"/>, null for a case number nobody stored) when it reaches the limit.</summary>
    Task<bool> SettleAsync(bool matched, string? courtId);

    /// <summary>Staff lifted the lock (or the count of failures) by hand.</summary>
    Task<LookupLockoutLifted> LiftAsync();
}
