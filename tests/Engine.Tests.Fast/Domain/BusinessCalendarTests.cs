using System.Globalization;
using Engine.Domain.Calendar;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.DomainTests;

/// <summary>Deadline arithmetic on the 2025 and 2026 mainland calendars (samples/calendar-cn-*.json), against cases
/// worked by hand: default hours 08:30–12:00 and 13:30–17:30, Asia/Shanghai.</summary>
public sealed class BusinessCalendarTests
{
    private static readonly BusinessCalendar Calendar = new(
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
        [Load(2025), Load(2026)]);

    /// <summary>received, working days, due — all Shanghai wall-clock times.</summary>
    public static TheoryData<string, double, string, string> WorkingDays => new()
    {
        { "2025-03-07 16:00", 1, "2025-03-10 16:00", "Friday afternoon: the rest of Friday, then Monday until the same hour" },
        { "2025-03-07 20:00", 1, "2025-03-10 17:30", "Friday night: counting starts Monday 08:30, a whole day ends at 17:30" },
        { "2025-03-06 12:30", 1, "2025-03-07 12:00", "at lunch: counting starts 13:30, ends the next day when the morning ends" },
        { "2025-02-08 10:00", 1, "2025-02-10 10:00", "a make-up working Saturday counts; the Sunday after does not" },
        { "2025-01-27 16:00", 1, "2025-02-05 16:00", "the eve of the Spring Festival: 28 Jan to 4 Feb are days off" },
        { "2025-10-03 09:00", 1, "2025-10-09 17:30", "received on a holiday: counting starts on the first working day after it" },
        { "2025-09-27 15:00", 1, "2025-09-28 17:30", "a Saturday, then Sunday 28 September is a make-up working day" },
        { "2025-12-31 17:00", 1, "2026-01-04 17:00", "across the New Year: 1–3 January off, Sunday 4 January a make-up day" },
        { "2026-02-13 10:00", 3, "2026-02-25 10:00", "before the 2026 Spring Festival: Saturday 14 February works, 15–23 off" },
        { "2026-04-30 09:00", 5, "2026-05-11 09:00", "Labour Day 2026: 1–5 May off, Saturday 9 May works" },
    };

    [Theory]
    [MemberData(nameof(WorkingDays))]
    public void Working_days_are_counted_in_working_time(string received, double days, string due, string why)
    {
        Assert.True(Local(due) == Calendar.AddWorkingDays(Local(received), days), why);
    }

    [Theory]
    [InlineData("2026-03-02 11:00", 2 * 3600, "2026-03-02 14:30")]
    [InlineData("2026-03-02 08:30", 3.5 * 3600, "2026-03-02 12:00")]
    [InlineData("2026-03-02 11:59", 90, "2026-03-02 13:30:30")]
    [InlineData("2026-03-02 17:30", 1, "2026-03-03 08:30:01")]
    [InlineData("2026-03-02 07:00", 0, "2026-03-02 08:30")]
    public void Working_hours_and_seconds_skip_breaks_and_nights_and_never_end_inside_a_break(string received, double seconds, string due)
    {
        Assert.Equal(Local(due), Calendar.AddWorkingTime(Local(received), TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Calendar_days_ignore_weekends_and_holidays()
    {
        Assert.Equal(Local("2026-02-21 10:00"), Calendar.AddCalendarDays(Local("2026-02-14 10:00"), 7));
    }

    [Fact]
    public void A_working_day_is_seven_and_a_half_hours_by_default()
    {
        Assert.Equal(TimeSpan.FromHours(7.5), Calendar.WorkingDay);
    }

    [Fact]
    public void A_year_without_a_calendar_is_counted_by_the_provisional_rule_and_says_so()
    {
        // 2027 has no published calendar here: 1 January is a statutory holiday, so the day after Thursday
        // 31 December 2026 to count is Monday 4 January.
        Assert.Equal(Local("2027-01-04 16:00"), Calendar.AddWorkingDays(Local("2026-12-31 16:00"), 1));
        Assert.False(Calendar.IsExact(Local("2026-12-31 16:00"), Local("2027-01-04 16:00")));
        Assert.True(Calendar.IsExact(Local("2026-12-01 09:00"), Local("2026-12-31 17:30")));
        Assert.Equal([2025, 2026], Calendar.ExactYears.Order());
    }

    [Theory]
    [InlineData(2027, "2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05", "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03")]
    [InlineData(2026, "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-04-05", "2026-05-01", "2026-05-02", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-03")]
    [InlineData(2025, "2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-04-04", "2025-05-01", "2025-05-02", "2025-05-31", "2025-10-06", "2025-10-01", "2025-10-02", "2025-10-03")]
    public void The_provisional_rule_takes_the_statutory_holidays_off(int year, params string[] days)
    {
        // Spring Festival from its eve, Qingming, Dragon Boat and Mid-Autumn by the lunar calendar and the solar term;
        // 2025 and 2026 agree with the published notices' own statutory days.
        Assert.Equal(days.Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)).Order(), ProvisionalCalendar.For(year).Holidays.Order());
        Assert.Empty(ProvisionalCalendar.For(year).Workdays);
    }

    [Fact]
    public void Every_published_statutory_holiday_is_a_day_off_in_the_published_calendars()
    {
        foreach (var year in new[] { 2025, 2026 })
        {
            var published = Load(year);
            Assert.All(ProvisionalCalendar.For(year).Holidays, day => Assert.Contains(day, published.Holidays));
        }
    }

    [Fact]
    public void Holidays_and_make_up_days_come_from_the_file()
    {
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2025, 10, 6)));
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2025, 10, 11)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2025, 10, 12)));
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2025, 10, 13)));
    }

    [Fact]
    public void Other_working_hours_change_the_length_of_a_day()
    {
        var calendar = new BusinessCalendar(Calendar.Zone, [Load(2026)], [(new TimeOnly(9, 0), new TimeOnly(12, 0)), (new TimeOnly(14, 0), new TimeOnly(18, 0))]);

        Assert.Equal(TimeSpan.FromHours(7), calendar.WorkingDay);
        Assert.Equal(Local("2026-03-03 18:00"), calendar.AddWorkingDays(Local("2026-03-02 20:00"), 1));
    }

    private static CalendarYear Load(int year) =>
        CalendarYear.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", $"calendar-cn-{year}.json")));
}
