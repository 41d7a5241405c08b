using Engine.Domain.Calendar;

namespace Engine.Domain.Hearings;

/// <summary>
/// When a party is reminded of a hearing, on the court's business calendar: at a time of day (court time) on the
/// <c>N</c>-th working day before the hearing's day, holidays skipped and make-up working days counted (default: 09:00
/// the working day before); or a fixed lead before the hearing when one is configured (drills, tests). A hearing
/// scheduled later than that is reminded at once, as long as it has not begun.
/// </summary>
public static class HearingReminder
{
    /// <summary>The default time of day of a reminder, 09:00 court time.</summary>
    public static readonly TimeOnly DefaultAt = new(9, 0);

    /// <summary>The planned moment of the reminder of a hearing at <paramref name="hearingAt"/>.</summary>
    public static DateTimeOffset Planned(BusinessCalendar calendar, DateTimeOffset hearingAt, int workingDaysBefore, TimeOnly at, TimeSpan? lead)
    {
        if (lead is { } before)
        {
            return hearingAt - before;
        }

        var day = MorningList.Day(calendar, hearingAt);
        var found = 0;
        // A year has at most a few weeks of holidays in a row; a year of days off is a calendar that is wrong.
        for (var i = 0; i < 366; i++)
        {
            day = day.AddDays(-1);
            if (calendar.IsWorkingDay(day) && ++found == workingDaysBefore)
            {
                return MorningList.Moment(calendar.Zone, day, at);
            }
        }

        throw new InvalidOperationException($"the calendar has no working day in the year before {MorningList.Day(calendar, hearingAt):yyyy-MM-dd}");
    }

    /// <summary>When the reminder is to go out, seen at <paramref name="now"/>: as planned, or at once when that has
    /// passed and the hearing has not begun; null when the hearing has begun (a reminder then is no use).</summary>
    public static DateTimeOffset? SendAt(DateTimeOffset planned, DateTimeOffset hearingAt, DateTimeOffset now) =>
        hearingAt <= now ? null : planned < now ? now : planned;
}
