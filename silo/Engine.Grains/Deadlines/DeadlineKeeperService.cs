using Engine.Contracts.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Engine.Contracts;
using Engine.Storage.Tickets;

namespace Engine.Grains.Deadlines;

/// <summary>
/// Keeps every deadline shard (and the calendar sweep) active: at start (retrying each second until the silo answers)
/// and then every <see cref="Interval"/>. One runs in every silo, so a shard lost with a dead silo is activated again
/// on a live one within that interval of the death being declared.
/// </summary>
internal sealed partial class DeadlineKeeperService(IClusterClient cluster, ILogger<DeadlineKeeperService> logger) : BackgroundService
{
    /// <summary>A shard lost with a dead silo runs again on another within this of the death being declared (the bound
    /// is 10 s for its steps; a call to a shard that is already active costs one message).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, DeadlineShards.Count).Select(s => cluster.GetGrain<IDeadlineShardGrain>(s).EnsureRunningAsync())
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
                await Task.Delay(started ? Interval : TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

internal static partial class KeeperLog
{
    [LoggerMessage(EventId = LogEventIds.DeadlineShardsStarted, Level = LogLevel.Information, Message = "Deadline shards running ({Count})")]
    public static partial void Started(ILogger logger, int count);

    [LoggerMessage(EventId = LogEventIds.DeadlineShardsNotYet, Level = LogLevel.Debug, Message = "Deadline shards not started yet: {Reason}")]
    public static partial void NotYet(ILogger logger, string reason);
}
