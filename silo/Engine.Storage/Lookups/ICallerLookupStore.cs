using Engine.Contracts;
using Engine.Storage.Events;

namespace Engine.Storage.Lookups;

/// <summary>One-time codes for a caller's own tickets, and the failed tries and lockout of each phone, in the engine's
/// database (table caller_lookups). Every change is one transaction; a code and its event are written together.</summary>
public interface ICallerLookupStore
{
    /// <summary>Stores <paramref name="code"/> (hashed) as the phone's one live code, replacing any, and appends
    /// <paramref name="issued"/>, in one transaction. Nothing is written, and false answered, while the phone is locked
    /// or when it was given a code less than <paramref name="resendInterval"/> ago.</summary>
    bool Issue(string phone, string code, DateTimeOffset now, DateTimeOffset expiresAt, TimeSpan resendInterval, EventRow issued);

    /// <summary>Spends the phone's live code if <paramref name="secret"/> is it and it has not expired. While the phone
    /// is locked every try is refused, counted apart and not extending the lock; otherwise a wrong try counts, and the
    /// <paramref name="maxFailures"/>th locks the phone for <paramref name="lockout"/> (audited in the same
    /// transaction). Every try writes, so its time does not tell one refusal from another.</summary>
    CodeRedemption Redeem(string phone, string secret, DateTimeOffset now, int maxFailures, TimeSpan lockout, string caller);

    /// <summary>Arms <paramref name="secret"/> as the phone's live code until <paramref name="expiresAt"/>, with no
    /// event: the next page's token after a look-up by code.</summary>
    void Arm(string phone, string secret, DateTimeOffset expiresAt);

    /// <summary>Clears the phone's failures and lock; answers what it held.</summary>
    LookupLockoutLifted Lift(string phone, DateTimeOffset now);
}

/// <summary>How one try went: <paramref name="Matched"/>, or not; <paramref name="LockedUntil"/> set when this try
/// locked the phone (its <paramref name="Lockouts"/>th lockout).</summary>
public sealed record CodeRedemption(bool Matched, DateTimeOffset? LockedUntil, int Lockouts);

