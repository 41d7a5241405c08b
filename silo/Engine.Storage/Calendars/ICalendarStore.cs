using Engine.Contracts;
using Engine.Domain.Calendar;

namespace Engine.Storage.Calendars;

/// <summary>The working calendars, one stored row a year, shared by every silo. Every call is synchronous.</summary>
public interface ICalendarStore
{
    IReadOnlyList<StoredCalendar> ReadAll();

    /// <summary>The highest change of any stored calendar (0 when none): one indexed read, for the silos' polls.</summary>
    long Version();

    /// <summary>Stores <paramref name="document"/> for its year, with its "calendar.year_set" event, unless it is
    /// stored already exactly so. A seed (a built-in year or a configured file) never replaces a calendar put through
    /// the API.</summary>
    CalendarPut Put(CalendarDocument document, string source, string actor, DateTimeOffset now);

    /// <summary>Every change up to this one has been counted into the open clocks (-1: none yet).</summary>
    long SweptChange();

    void SetSwept(long change);
}
