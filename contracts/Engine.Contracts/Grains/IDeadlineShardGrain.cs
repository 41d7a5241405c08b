namespace Engine.Contracts.Grains;

/// <summary>One of the deadline shards (keyed 0 … DeadlineShards.Count − 1): while active it looks for the due
/// tickets of its shard a few times a second and has them fire their steps. Any silo may host it; every silo's
/// keeper activates all shards at start and then every few seconds, so a shard lost with its silo comes back.</summary>
public interface IDeadlineShardGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the shard's timer if it is not running (activating the shard is most of the work).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task EnsureRunningAsync();

    /// <summary>Looks again at once at the tickets it had put off after a failed wake (a silo was declared dead: its
    /// tickets can now be activated elsewhere), and starts the timer if it is not running.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task RetryPutOffAsync();
}
