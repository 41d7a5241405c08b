using System.Collections.Concurrent;

namespace Engine.Domain.Calendar;

/// <summary>
/// A court's working time (DESIGN.md §3, Deadlines): working hours on working days, in the court's time zone. A
/// working day is a Monday to Friday that is not a holiday, or a weekend day listed as a make-up working day.
/// "N working hours after T" is the first moment at which N hours of working time have passed since T (counting
/// from the next start of working time when T is outside it), so a deadline is never inside a break.
/// "N working days" is N × the working hours of a day. A year with no published calendar is counted by
/// <see cref="ProvisionalCalendar"/>; <see cref="IsExact(DateTimeOffset, DateTimeOffset)"/> tells whether a span was.
/// Pure: no clock, no I/O.
/// </summary>
public sealed class BusinessCalendar
{
    private readonly Dictionary<int, CalendarYear> _years;
    private readonly ConcurrentDictionary<int, CalendarYear> _provisional = new();
    private readonly (TimeOnly Start, TimeOnly End)[] _periods;

    /// <param name="periods">The working periods of a day, in order, not overlapping: default 08:30–12:00, 13:30–17:30.</param>
    /// <param name="version">The version of the published calendars <paramref name="years"/> come from (clocks keep it,
    /// to know later whether they were counted on what is published now).</param>
    public BusinessCalendar(TimeZoneInfo zone, IEnumerable<CalendarYear> years, IEnumerable<(TimeOnly Start, TimeOnly End)>? periods = null, long version = 0)
    {
        Zone = zone;
        Version = version;
        _years = years.ToDictionary(y => y.Year);
        _periods = (periods ?? DefaultPeriods).ToArray();
        for (var i = 0; i < _periods.Length; i++)
        {
            if (_periods[i].End <= _periods[i].Start || (i > 0 && _periods[i].Start < _periods[i - 1].End))
            {
                throw new ArgumentException("working periods must be in order, each ending after it starts, not overlapping", nameof(periods));
            }
        }

        WorkingDay = TimeSpan.FromTicks(_periods.Sum(p => (p.End - p.Start).Ticks));
    }

    public static IReadOnlyList<(TimeOnly Start, TimeOnly End)> DefaultPeriods { get; } =
        [(new TimeOnly(8, 30), new TimeOnly(12, 0)), (new TimeOnly(13, 30), new TimeOnly(17, 30))];

    public TimeZoneInfo Zone { get; }

    public long Version { get; }

    /// <summary>The working time of one working day (7.5 h by default).</summary>
    public TimeSpan WorkingDay { get; }

    /// <summary>The years counted from a published calendar.</summary>
    public IReadOnlyCollection<int> ExactYears => _years.Keys;

    /// <summary>Whether <paramref name="year"/> is counted from a published calendar (not provisionally).</summary>
    public bool IsExact(int year) => _years.ContainsKey(year);

    /// <summary>Whether working time between two moments (either order) is counted from published calendars only: the
    /// days from one to the other, in the court's time zone, all fall in years that have one.</summary>
    public bool IsExact(DateTimeOffset from, DateTimeOffset to)
    {
        var (first, last) = (LocalYear(from), LocalYear(to));
        for (var year = Math.Min(first, last); year <= Math.Max(first, last); year++)
        {
            if (!_years.ContainsKey(year))
            {
                return false;
            }
        }

        return true;
    }

    public int LocalYear(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).Year;

    public bool IsWorkingDay(DateOnly day)
    {
        if (!_years.TryGetValue(day.Year, out var year))
        {
            year = _provisional.GetOrAdd(day.Year, ProvisionalCalendar.For);
        }

        if (year.Holidays.Contains(day))
        {
            return false;
        }

        return year.Workdays.Contains(day) || day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    public DateTimeOffset AddWorkingDays(DateTimeOffset from, double days) => AddWorkingTime(from, WorkingDay * days);

    /// <summary>The moment <paramref name="amount"/> of working time has passed since <paramref name="from"/>.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset from, TimeSpan amount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(from, Zone).DateTime;
        var day = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        var left = amount;
        for (var guard = 0; guard < 3_700; guard++)
        {
            if (IsWorkingDay(day))
            {
                foreach (var (start, end) in _periods)
                {
                    if (time >= end)
                    {
                        continue;
                    }

                    var begin = time > start ? time : start;
                    var available = end - begin;
                    if (left <= available && left > TimeSpan.Zero)
                    {
                        return ToInstant(day, begin.Add(left, out var wrapped), wrapped);
                    }

                    if (left <= TimeSpan.Zero)
                    {
                        return ToInstant(day, begin, 0);
                    }

                    left -= available;
                    time = end;
                }
            }

            day = day.AddDays(1);
            time = TimeOnly.MinValue;
        }

        throw new InvalidOperationException($"no working time found within ten years after {CourtTime.Format(from, Zone)}");
    }

    /// <summary>How much working time lies between <paramref name="from"/> and <paramref name="to"/> (zero when
    /// <paramref name="to"/> is not later).</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return TimeSpan.Zero;
        }

        var start = TimeZoneInfo.ConvertTime(from, Zone).DateTime;
        var end = TimeZoneInfo.ConvertTime(to, Zone).DateTime;
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(start); day <= DateOnly.FromDateTime(end); day = day.AddDays(1))
        {
            if (!IsWorkingDay(day))
            {
                continue;
            }

            foreach (var (periodStart, periodEnd) in _periods)
            {
                var begin = Max(day.ToDateTime(periodStart), start);
                var finish = Min(day.ToDateTime(periodEnd), end);
                if (finish > begin)
                {
                    total += finish - begin;
                }
            }
        }

        return total;
    }

    /// <summary>N calendar days after T: the same wall-clock time N days later in the court's time zone.</summary>
    public DateTimeOffset AddCalendarDays(DateTimeOffset from, int days) => AddCalendarTime(from, TimeSpan.FromDays(days));

    /// <summary>Wall-clock time in the court's time zone, whatever the day.</summary>
    public DateTimeOffset AddCalendarTime(DateTimeOffset from, TimeSpan amount)
    {
        var local = TimeZoneInfo.ConvertTime(from, Zone).DateTime + amount;
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private DateTimeOffset ToInstant(DateOnly day, TimeOnly time, int wrappedDays)
    {
        var local = day.AddDays(wrappedDays).ToDateTime(time);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
