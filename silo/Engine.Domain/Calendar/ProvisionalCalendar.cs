using System.Globalization;

namespace Engine.Domain.Calendar;

/// <summary>
/// How a year is counted before its working calendar is published (the State Council publishes each year's holidays
/// and make-up working days late in the year before). Weekends are days off and there are no make-up working days;
/// the days off are the statutory holidays themselves, as the national rules on public holidays (全国年节及纪念日放假办法,
/// 2024 revision) fix them: New Year's Day (1 January), the Spring Festival (its eve and the first three days of the
/// first lunar month), Qingming (the day of the solar term), Labour Day (1 and 2 May), the Dragon Boat Festival (the
/// fifth day of the fifth lunar month), the Mid-Autumn Festival (the fifteenth of the eighth) and National Day (1 to 3
/// October). The published calendar usually adds bridging days and make-up days around them, so a provisional
/// deadline can differ from the exact one by a few working days near a holiday; every clock counted with it says so.
/// </summary>
public static class ProvisionalCalendar
{
    private static readonly ChineseLunisolarCalendar Lunar = new();

    public static CalendarYear For(int year) => new(year, Holidays(year), []);

    public static IEnumerable<DateOnly> Holidays(int year)
    {
        yield return new DateOnly(year, 1, 1);
        if (LunarDate(year, 1, 1) is { } newYear)
        {
            for (var d = newYear.AddDays(-1); d <= newYear.AddDays(2); d = d.AddDays(1))
            {
                if (d.Year == year)
                {
                    yield return d;
                }
            }
        }

        if (year is >= 2000 and <= 2099)
        {
            yield return new DateOnly(year, 4, QingmingDay(year));
        }

        yield return new DateOnly(year, 5, 1);
        yield return new DateOnly(year, 5, 2);
        if (LunarDate(year, 5, 5) is { } dragonBoat)
        {
            yield return dragonBoat;
        }

        if (LunarDate(year, 8, 15) is { } midAutumn)
        {
            yield return midAutumn;
        }

        yield return new DateOnly(year, 10, 1);
        yield return new DateOnly(year, 10, 2);
        yield return new DateOnly(year, 10, 3);
    }

    /// <summary>The day of April on which the Qingming solar term falls, 2000–2099 (the usual approximation of the
    /// sun's longitude reaching 15°; right for every year it is known for).</summary>
    public static int QingmingDay(int year)
    {
        var y = year % 100;
        return (int)Math.Floor((y * 0.2422) + 4.81) - (y / 4);
    }

    /// <summary>The Gregorian date of a day of the Chinese lunar year that begins in <paramref name="year"/>, or null
    /// outside the years .NET's lunisolar calendar covers.</summary>
    private static DateOnly? LunarDate(int year, int month, int day)
    {
        if (year <= Lunar.MinSupportedDateTime.Year || year >= Lunar.MaxSupportedDateTime.Year)
        {
            return null;
        }

        // In a leap year the leap month takes an index of its own: months from it on come one index later.
        var leap = Lunar.GetLeapMonth(year);
        var index = leap != 0 && month >= leap ? month + 1 : month;
        return DateOnly.FromDateTime(Lunar.ToDateTime(year, index, day, 0, 0, 0, 0));
    }
}
