namespace Engine.Storage.Timers;

/// <summary>
/// The next due moment of each grain that carries its own timers (a judge; decision 60), one row per owner, read by
/// the timer shards. The row may only be early, never late: an owner pulls it earlier before writing a change that adds
/// a timer (<see cref="PullEarlier"/>), and sets it to its exact next moment after the write (<see cref="Schedule"/>). A wake
/// that finds nothing due just sets the row again. Every call is synchronous.
/// </summary>
public interface IDueTimers
{
    /// <summary>Sets the owner's next wake (or forgets the owner when <paramref name="dueAt"/> is null); a row already at
    /// that moment is only read.</summary>
    void Schedule(string ownerKey, DateTimeOffset? dueAt);

    /// <summary>Makes the owners' next wake no later than the moment given (adding the owners that have none), in one
    /// transaction.</summary>
    void PullEarlier(IReadOnlyCollection<(string OwnerKey, DateTimeOffset DueAt)> wakes);

    /// <summary>Makes every owner's next wake no later than <paramref name="now"/> (after a calendar change, so that each
    /// plans again on the new calendar); answers how many rows moved.</summary>
    int PullAllEarlier(DateTimeOffset now);

    /// <summary>The owner's next wake, if any.</summary>
    DateTimeOffset? Find(string ownerKey);

    /// <summary>The owners of shard <paramref name="shard"/> due at <paramref name="now"/>, earliest first.</summary>
    /// <param name="after">Only owners due after this moment (a shard's last look: decision 77); null for all.</param>
    IReadOnlyList<(string OwnerKey, DateTimeOffset DueAt)> Due(int shard, DateTimeOffset now, int limit, DateTimeOffset? after = null);
}
