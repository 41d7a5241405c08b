using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Engine.Storage.Calendars;

namespace Engine.Grains.Calendars;

// Reentrant: no state of its own; the database orders the changes (the calendar lock).
[StatelessWorker]
[Reentrant]
internal sealed partial class CalendarGrain(ICalendarStore store, CalendarBook book, CalendarWatch watch, [FromKeyedServices(EngineClock.Key)] TimeProvider time, ILogger<CalendarGrain> logger)
    : Grain, ICalendarGrain
{
    public async Task<CalendarPut> PutAsync(CalendarDocument calendar, string actor)
    {
        var put = store.Put(calendar, StoredCalendar.Api, actor, time.GetUtcNow());
        if (put.Changed)
        {
            CalendarPutLog.Put(logger, calendar.Year, actor, put.Stored.Change);

            // This silo counts on it at once; the others within their refresh interval; the sweep counts open clocks again.
            book.Refresh();
            await GrainFactory.GetGrain<ICalendarSweepGrain>(0).EnsureRunningAsync();
        }

        return put;
    }

    public Task<StoredCalendar?> GetAsync(int year) => Task.FromResult(store.ReadAll().SingleOrDefault(c => c.Document.Year == year));

    public Task<CalendarList> ListAsync()
    {
        var stored = store.ReadAll();
        return Task.FromResult(new CalendarList([.. stored], stored.Count == 0 ? 0 : stored.Max(c => c.Change), [.. watch.Check(stored).Provisional]));
    }
}

internal static partial class CalendarPutLog
{
    [LoggerMessage(EventId = LogEventIds.CalendarPut, Level = LogLevel.Information, Message = "Working calendar {Year} put by {Actor} (change {Change}); open clocks with steps in it are counted again")]
    public static partial void Put(ILogger logger, int year, string actor, long change);
}
