using System.Diagnostics;
using Engine.Contracts.Grains;
using Engine.Grains.Deadlines;
using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Calendars;
using Engine.Storage.Tickets;
using Engine.Storage.Timers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Calendars;

/// <summary>
/// Counts open clocks again after a calendar change. Each tick it reads the stored calendars; for every year changed
/// since the last finished sweep, it asks each open ticket whose clock spans that year and was counted on older
/// calendars to count itself again (a ticket that is already up to date does nothing, so a sweep may repeat). A
/// sweep is recorded as finished only when the change is older than a few refresh intervals, so that a ticket
/// counted meanwhile by a silo that had not yet seen the change is found too; then every owner of a <c>due_timers</c> row
/// (judges, cases) is woken to plan its timers again. Nothing is held in memory that a
/// restart would lose: what to count again is read from the tickets' own columns.
/// </summary>
internal sealed partial class CalendarSweepGrain(
    ICalendarStore calendars,
    CalendarBook book,
    ITicketStore tickets,
    IDueTimers timers,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time,
    IOptionsMonitor<DeadlineOptions> options,
    ILogger<CalendarSweepGrain> logger)
    : Grain, ICalendarSweepGrain
{
    private const int Page = 256;

    /// <summary>When this activation first saw each change (the real clock: the silos' polls run on it).</summary>
    private readonly Dictionary<long, Stopwatch> _seen = [];
    private IGrainTimer? _timer;

    public Task EnsureRunningAsync()
    {
        var interval = options.CurrentValue.CalendarRefreshInterval;
        _timer ??= this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, interval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task<int> SweepAsync() => TickAsync();

    private async Task<int> TickAsync()
    {
        try
        {
            book.Refresh();
            var swept = calendars.SweptChange();
            var changed = book.Current.Stored.Where(c => c.Change > swept).ToList();
            if (changed.Count == 0)
            {
                return 0;
            }

            var counted = 0;
            var complete = true;
            foreach (var year in changed)
            {
                var (done, all) = await SweepYearAsync(year.Document.Year, year.Change);
                counted += done;
                complete &= all;
            }

            var latest = changed.Max(c => c.Change);
            var settled = _seen.TryGetValue(latest, out var since) ? since : _seen[latest] = Stopwatch.StartNew();
            if (complete && settled.Elapsed >= options.CurrentValue.CalendarRefreshInterval * 3)
            {
                // The grains that carry their own timers (judges' lists and leaves, cases' hearing reminders) plan them
                // when woken: every one is woken now, once every silo has the change, and plans again on it. A wake
                // that finds its plan unchanged only sets its row back.
                var woken = timers.PullAllEarlier(time.GetUtcNow());
                if (woken > 0)
                {
                    SweepLog.TimersWoken(logger, woken, latest);
                }

                calendars.SetSwept(latest);
                _seen.Clear();
            }

            if (counted > 0)
            {
                SweepLog.Swept(logger, counted, changed.Count, latest);
            }

            return counted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be busy or the silo stopping: nothing was marked done, the next tick looks again.
            SweepLog.Failed(logger, ex);
            return 0;
        }
    }

    /// <summary>Every ticket counted before <paramref name="change"/> with a clock spanning <paramref name="year"/>,
    /// a page at a time; answers how many were counted again and whether all of them answered.</summary>
    private async Task<(int Counted, bool Complete)> SweepYearAsync(int year, long change)
    {
        var counted = 0;
        var complete = true;
        string? after = null;
        while (true)
        {
            var page = tickets.CountedBefore(year, change, after, Page);
            if (page.Count == 0)
            {
                return (counted, complete);
            }

            var results = await Task.WhenAll(page.Select(async id =>
            {
                try
                {
                    return await GrainFactory.GetGrain<ITicketGrain>(id).ReplanAsync(change) ? 1 : 0;
                }
                catch (Exception ex)
                {
                    SweepLog.TicketFailed(logger, id, ex);
                    return -1;
                }
            }));
            counted += results.Count(r => r > 0);
            complete &= results.All(r => r >= 0);
            after = page[^1];
        }
    }
}

internal static partial class SweepLog
{
    [LoggerMessage(EventId = LogEventIds.CalendarSwept, Level = LogLevel.Information, Message = "Counted {Count} open clocks again after {Years} working calendars changed (up to change {Change})")]
    public static partial void Swept(ILogger logger, int count, int years, long change);

    [LoggerMessage(EventId = LogEventIds.CalendarTimersWoken, Level = LogLevel.Information, Message = "Woke {Count} judges and cases to plan their timers again after calendar change {Change}")]
    public static partial void TimersWoken(ILogger logger, int count, long change);

    [LoggerMessage(EventId = LogEventIds.CalendarSweepFailed, Level = LogLevel.Warning, Message = "Could not count open clocks again after a calendar change; retrying at the next tick")]
    public static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEventIds.CalendarSweepFailed, Level = LogLevel.Warning, Message = "Ticket {TicketId} could not count its clock again; retrying at the next tick")]
    public static partial void TicketFailed(ILogger logger, string ticketId, Exception exception);
}
