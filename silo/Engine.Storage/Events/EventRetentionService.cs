using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Storage.Events;

/// <summary>How long the event log keeps events. Bound from "Engine:Events:Retention". Defaults keep everything. Start-up
/// refuses a value outside the range each setting names (<see cref="EventRetentionOptionsValidator"/>).</summary>
public sealed class EventRetentionOptions
{
    /// <summary>Keep events younger than this many days; 0 keeps them regardless of age. Allowed: 0 to 36,500 (a
    /// hundred years).</summary>
    public int KeepDays { get; set; }

    /// <summary>Keep at most this many of the newest events; 0 keeps them regardless of count. Allowed: 0 or
    /// more.</summary>
    public long KeepEvents { get; set; }

    /// <summary>A named subscription protects the events it has not committed, unless it lags the head by more than
    /// this many events; 0: subscriptions always protect. Allowed: 0 or more (a negative lag would protect
    /// nothing).</summary>
    public long SubscriptionMaxLag { get; set; }

    /// <summary>How often retention runs. Default 1 minute. Allowed: 00:00:00.1 to 1.00:00:00 (the timer refuses zero,
    /// which would stop the silo after it started).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed partial class EventRetentionService(EventLog log, IOptions<EventRetentionOptions> options, [FromKeyedServices(EngineClock.Key)] TimeProvider time, TimeProvider pace, ILogger<EventRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.KeepDays <= 0 && settings.KeepEvents <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.Interval, pace);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var since = settings.KeepDays > 0 ? time.GetUtcNow().AddDays(-settings.KeepDays) : (DateTimeOffset?)null;
                var removed = log.Trim(since, settings.KeepEvents, settings.SubscriptionMaxLag);
                if (removed > 0)
                {
                    Trimmed(logger, removed);
                }
            }
            catch (System.Data.Common.DbException ex)
            {
                TrimFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = LogEventIds.EventsTrimmed, Level = LogLevel.Information, Message = "Event retention removed {Count} events")]
    private static partial void Trimmed(ILogger logger, int count);

    [LoggerMessage(EventId = LogEventIds.EventsTrimFailed, Level = LogLevel.Warning, Message = "Event retention failed; retrying at the next interval")]
    private static partial void TrimFailed(ILogger logger, Exception exception);
}
