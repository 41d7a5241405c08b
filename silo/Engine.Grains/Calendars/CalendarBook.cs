using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Engine.Storage.Calendars;

namespace Engine.Grains.Calendars;

/// <summary>The calendars a silo counts with: the years stored in the database and the version of the latest change.</summary>
public sealed record CalendarSet(IReadOnlyList<StoredCalendar> Stored, long Version)
{
    public static CalendarSet Empty { get; } = new([], 0);

    public IEnumerable<CalendarYear> Years => Stored.Select(s => s.Document.ToYear());
}

/// <summary>
/// This silo's copy of the stored calendars. At start it stores the seeds (the built-in years and
/// Engine:Deadlines:CalendarFiles) that are missing or changed, then reads every year; afterwards it reads again
/// when the database holds a later change (<see cref="Refresh"/>, polled by <see cref="CalendarWatchService"/>, and
/// asked for by a ticket told to count on a later version). <see cref="Changed"/> lets the deadline planner rebuild.
/// </summary>
public sealed partial class CalendarBook
{
    private readonly ICalendarStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<CalendarBook> _logger;
    private readonly Lock _refreshing = new();
    private volatile CalendarSet _current = CalendarSet.Empty;
    private bool _loaded;

    public CalendarBook(ICalendarStore store, [FromKeyedServices(EngineClock.Key)] TimeProvider time, ILogger<CalendarBook> logger, IEnumerable<string> files)
    {
        _store = store;
        _time = time;
        _logger = logger;
        Seed(files);
        Refresh();
    }

    public event Action<CalendarSet>? Changed;

    public CalendarSet Current => _current;

    /// <summary>Stores the seeds that are missing or changed (a calendar put through the API is never replaced by one).</summary>
    public void Seed(IEnumerable<string> files)
    {
        foreach (var (document, source) in CalendarSeeds.Load(files))
        {
            var put = _store.Put(document, source, "engine", _time.GetUtcNow());
            if (put.Changed)
            {
                CalendarLog.Seeded(_logger, document.Year, source, put.Stored.Change);
            }
            else if (put.Stored.Source == StoredCalendar.Api && put.Stored.Document.ToJson() != document.ToJson())
            {
                CalendarLog.SeedIgnored(_logger, document.Year, source);
            }
        }
    }

    /// <summary>Reads the calendars again if the database holds a later change; true when it did.</summary>
    public bool Refresh()
    {
        CalendarSet next;
        lock (_refreshing)
        {
            if (_loaded && _store.Version() == _current.Version)
            {
                return false;
            }

            var stored = _store.ReadAll();
            _current = next = new CalendarSet(stored, stored.Count == 0 ? 0 : stored.Max(s => s.Change));
            _loaded = true;
        }

        CalendarLog.Loaded(_logger, next.Version, next.Stored.Count);
        Changed?.Invoke(next);
        return true;
    }

    /// <summary>Reads again if this silo has not seen <paramref name="version"/> yet.</summary>
    public void EnsureAtLeast(long version)
    {
        if (_current.Version < version)
        {
            Refresh();
        }
    }
}

internal static partial class CalendarLog
{
    [LoggerMessage(EventId = LogEventIds.CalendarSeeded, Level = LogLevel.Information, Message = "Working calendar {Year} stored from {Source} (change {Change})")]
    public static partial void Seeded(ILogger logger, int year, string source, long change);

    [LoggerMessage(EventId = LogEventIds.CalendarSeedIgnored, Level = LogLevel.Warning, Message = "Working calendar {Year} from {Source} differs from the one put through the API, which stays; put it through CalendarService.PutCalendar to change it")]
    public static partial void SeedIgnored(ILogger logger, int year, string source);

    [LoggerMessage(EventId = LogEventIds.CalendarsLoaded, Level = LogLevel.Information, Message = "Working calendars at version {Version}: {Count} years")]
    public static partial void Loaded(ILogger logger, long version, int count);
}
