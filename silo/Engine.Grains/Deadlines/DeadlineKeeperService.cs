using Engine.Contracts.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Engine.Contracts;
using Engine.Storage.Tickets;

namespace Engine.Grains.Deadlines;

/// <summary>
/// Keeps every deadline shard, every timer shard (decision 60) and the calendar sweep active: at start (retrying each second until the silo answers)
/// and then every <see cref="Interval"/>. One runs in every silo, so a shard lost with a dead silo is activated again
/// on a live one within that interval of the death being declared. It also follows the cluster's membership: when a
/// silo is declared dead it starts the shards at once and has every shard retry at once the tickets it had put off
/// (their wakes failed on the lost silo), so that the lost silo's due steps fire within seconds of the declaration; and
/// the same when a silo begins to stop gracefully (a drain), and again when it is dead.
/// </summary>
internal sealed partial class DeadlineKeeperService(IClusterClient cluster, IClusterMembershipService membership, ILogger<DeadlineKeeperService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _siloLost = new(0, 1);

    /// <summary>A shard lost with a dead silo runs again on another within this of the death being declared (the bound
    /// is 10 s for its steps; a call to a shard that is already active costs one message).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = WatchMembershipAsync(stoppingToken);
        var started = false;
        var retry = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, DeadlineShards.Count)
                    .Select(s => retry ? cluster.GetGrain<IDeadlineShardGrain>(s).RetryPutOffAsync() : cluster.GetGrain<IDeadlineShardGrain>(s).EnsureRunningAsync())
                    .Concat(Enumerable.Range(0, DeadlineShards.Count)
                        .Select(s => retry ? cluster.GetGrain<IDueTimerShardGrain>(s).RetryPutOffAsync() : cluster.GetGrain<IDueTimerShardGrain>(s).EnsureRunningAsync()))
                    .Append(cluster.GetGrain<ICalendarSweepGrain>(0).EnsureRunningAsync()));
                if (!started)
                {
                    started = true;
                    KeeperLog.Started(logger, DeadlineShards.Count);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Most likely the silo is still starting.
                KeeperLog.NotYet(logger, ex.Message);
            }

            try
            {
                retry = await _siloLost.WaitAsync(started ? Interval : TimeSpan.FromSeconds(1), stoppingToken);
                if (retry)
                {
                    KeeperLog.SiloLost(logger);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await watching;
    }

    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        try
        {
            ClusterMembershipSnapshot? before = null;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                if (before is not null && snapshot.CreateUpdate(before).Changes.Any(c => Leaving(c.Status)) && _siloLost.CurrentCount == 0)
                {
                    _siloLost.Release();
                }

                before = snapshot;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A silo declared dead, and one that began a graceful stop (its shards and owners are deactivated while it
    /// drains, before it is dead): either way the shards are started again and their put-off owners retried at once,
    /// rather than at the next interval and the end of their backoff.</summary>
    private static bool Leaving(SiloStatus status) => status is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping;

    public override void Dispose()
    {
        _siloLost.Dispose();
        base.Dispose();
    }
}

internal static partial class KeeperLog
{
    [LoggerMessage(EventId = LogEventIds.DeadlineShardsStarted, Level = LogLevel.Information, Message = "Deadline shards running ({Count})")]
    public static partial void Started(ILogger logger, int count);

    [LoggerMessage(EventId = LogEventIds.DeadlineSiloLost, Level = LogLevel.Information, Message = "A silo is stopping or was declared dead: deadline and timer shards started and their put-off owners retried")]
    public static partial void SiloLost(ILogger logger);

    [LoggerMessage(EventId = LogEventIds.DeadlineShardsNotYet, Level = LogLevel.Debug, Message = "Deadline shards not started yet: {Reason}")]
    public static partial void NotYet(ILogger logger, string reason);
}
