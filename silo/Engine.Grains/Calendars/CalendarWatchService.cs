using System.Diagnostics.Metrics;
using Engine.Domain;
using Engine.Grains.Deadlines;
using Engine.Contracts;
using Engine.Storage.Databases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Calendars;

/// <summary>
/// One per silo: every Engine:Deadlines:CalendarRefreshInterval it reads the calendars again if another silo changed
/// them, and it says when a year is missing (<see cref="CalendarWatch"/>): once a day (court time) in the log, and
/// always on the metric <c>engine.calendar.missing_years</c> (meter <see cref="StorageMetrics.MeterName"/>, tagged with
/// the silo's address).
/// </summary>
internal sealed partial class CalendarWatchService(
    CalendarBook book, CalendarWatch watch, IOptionsMonitor<DeadlineOptions> options, ILocalSiloDetails silo,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time, TimeProvider pace, ILogger<CalendarWatchService> logger) : BackgroundService
{
    /// <summary>Each running silo's count (one per process in production; several in a test process).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<int> MissingYears = StorageMetrics.Meter.CreateObservableGauge(
        "engine.calendar.missing_years", () => Counts.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("silo", c.Key))), "{year}",
        "Years (this one, and the next from Engine:Deadlines:CalendarWarnFrom on) with no working calendar stored");

    private DateOnly _warnedOn;

    private string Silo => silo.SiloAddress.ToString();

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        Counts.TryRemove(Silo, out _);
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = MissingYears;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                book.Refresh();
                Report(watch.Check());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be busy or unreachable: this silo counts with what it has and looks again.
                WatchLog.RefreshFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.CurrentValue.CalendarRefreshInterval, pace, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Report(CalendarStatus status)
    {
        Counts[Silo] = status.Missing.Count;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.CurrentValue.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        if (status.Warning is { } warning && today != _warnedOn)
        {
            _warnedOn = today;
            WatchLog.Missing(logger, warning);
        }
    }
}

internal static partial class WatchLog
{
    [LoggerMessage(EventId = LogEventIds.CalendarMissing, Level = LogLevel.Warning, Message = "Working calendars: {Warning}")]
    public static partial void Missing(ILogger logger, string warning);

    [LoggerMessage(EventId = LogEventIds.CalendarRefreshFailed, Level = LogLevel.Warning, Message = "Working calendars could not be read again; counting with the ones loaded")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);
}
