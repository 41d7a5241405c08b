using Engine.Contracts.Grains;
using Engine.Contracts;
using Engine.Grains.Cases;
using Engine.Grains.Directory;
using Engine.Storage.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engine.Grains.Events;

/// <summary>
/// Finishes what a crash interrupted: every grain still marked in outbox_pending is woken, and appends the events its
/// state holds (or finds none, when the crash came before its state write). Runs at start and then every 30 s.
/// </summary>
internal sealed partial class OutboxSweepService(IOutbox outbox, IClusterClient cluster, TimeProvider time, ILogger<OutboxSweepService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartRetry = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = StartRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var (type, key) in outbox.Pending())
                {
                    switch (type)
                    {
                        case CaseGrain.OutboxType:
                            await cluster.GetGrain<ICaseGrain>(key).EnsureEventsLoggedAsync();
                            break;
                        case CourtGrain.OutboxType:
                            await cluster.GetGrain<ICourtGrain>(key).EnsureEventsLoggedAsync();
                            break;
                        case Judges.JudgeGrain.OutboxType:
                            await cluster.GetGrain<IJudgeGrain>(key).EnsureEventsLoggedAsync();
                            break;
                        default:
                            outbox.Clear(type, key);
                            break;
                    }

                    Swept(logger, type, key);
                }

                wait = Interval;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The silo may still be starting: try again soon.
                SweepFailed(logger, ex);
                wait = StartRetry;
            }

            await Task.Delay(wait, time, stoppingToken);
        }
    }

    [LoggerMessage(EventId = LogEventIds.OutboxSwept, Level = LogLevel.Information, Message = "Finished the interrupted event append of {GrainType} {GrainKey}")]
    private static partial void Swept(ILogger logger, string grainType, string grainKey);

    [LoggerMessage(EventId = LogEventIds.OutboxSweepFailed, Level = LogLevel.Warning, Message = "The outbox sweep failed; retrying")]
    private static partial void SweepFailed(ILogger logger, Exception exception);
}
