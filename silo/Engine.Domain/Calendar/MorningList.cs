namespace Engine.Domain.Calendar;

/// <summary>When a judge's morning list is due: at a time of day (court time) on each working day of the court's
/// calendar (no list on a holiday, one on a make-up working day). A day is the court's local date.</summary>
public static class MorningList
{
    /// <summary>The default time of the list, 08:30 court time.</summary>
    public static readonly TimeOnly DefaultAt = new(8, 30);

    /// <summary>The first list moment at or after <paramref name="from"/>.</summary>
    public static DateTimeOffset NextAt(BusinessCalendar calendar, TimeOnly at, DateTimeOffset from)
    {
        var day = Day(calendar, from);
        // A year has at most a few weeks of holidays in a row; a year of days off is a calendar that is wrong.
        for (var i = 0; i < 366; i++, day = day.AddDays(1))
        {
            if (calendar.IsWorkingDay(day) && Moment(calendar.Zone, day, at) is var moment && moment >= from)
            {
                return moment;
            }
        }

        throw new InvalidOperationException($"the calendar has no working day in the year after {Day(calendar, from):yyyy-MM-dd}");
    }

    /// <summary>The court's local date at <paramref name="at"/>.</summary>
    public static DateOnly Day(BusinessCalendar calendar, DateTimeOffset at) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, calendar.Zone).DateTime);

    /// <summary>The list moment of <paramref name="day"/>: <paramref name="at"/> in the court's zone (a time a clock
    /// change skips is read as the same time of the zone's standard offset).</summary>
    public static DateTimeOffset Moment(TimeZoneInfo zone, DateOnly day, TimeOnly at)
    {
        var local = day.ToDateTime(at, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.IsInvalidTime(local) ? zone.BaseUtcOffset : zone.GetUtcOffset(local));
    }
}
