using Engine.Contracts;
using Engine.Storage.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engine.Grains.Statistics;

/// <summary>Counts new events as they are appended (woken by this silo's committer, or by the other silos'
/// notifications in cluster mode), so that a read rarely finds much left to count.</summary>
internal sealed partial class StatsProjectorService(StatsProjector projector, EventNotifier notifier, TimeProvider time, ILogger<StatsProjectorService> logger)
    : BackgroundService
{
    /// <summary>How long to wait for a wake-up before looking at the log anyway.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);

    /// <summary>After a step that counted something, the pause before the next: under load a step then gathers the
    /// events of many commits, and a day's, court's or judge's sums are written once for all of them rather than once
    /// per commit. A read of the statistics never waits for it: it counts what is left itself (docs/decisions.md, 30).</summary>
    internal static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var counted = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var before = counted;
                counted = await projector.CatchUpAsync(long.MaxValue, stoppingToken);
                if (counted > before)
                {
                    await Task.Delay(Gather, time, stoppingToken);
                }

                await notifier.WaitAboveAsync(counted, Idle, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ProjectionFailed(logger, ex, counted);
                try
                {
                    await Task.Delay(AfterFailure, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.StatsProjectionFailed, Level = LogLevel.Warning, Message = "Counting statistics after sequence {Counted} failed; trying again")]
        public static partial void ProjectionFailed(ILogger logger, Exception exception, long counted);
    }
}
