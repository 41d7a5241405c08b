namespace Engine.Contracts.Grains;

/// <summary>One of the timer shards (keyed 0 … DeadlineShards.Count − 1): as a deadline shard wakes due tickets, it
/// wakes the due owners of the due_timers table (judges) a few times a second. Kept running by every silo's keeper.</summary>
public interface IDueTimerShardGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the shard's timer if it is not running.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task EnsureRunningAsync();

    /// <summary>Looks again at once at the owners it had put off after a failed wake, and starts the timer if needed.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task RetryPutOffAsync();
}
