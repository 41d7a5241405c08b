using System.Globalization;
using Engine.Domain.Calendar;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.DomainTests;

/// <summary>When a judge's morning list falls due on the 2026 mainland calendar, 08:30 Asia/Shanghai: working days
/// only, none in a holiday, one on a make-up Saturday.</summary>
public sealed class MorningListTests
{
    private static readonly BusinessCalendar Calendar = new(
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
        [CalendarYear.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "calendar-cn-2026.json")))]);

    [Theory]
    [InlineData("2026-09-29 07:00", "2026-09-29 08:30")] // a Tuesday, before the list
    [InlineData("2026-09-29 08:30", "2026-09-29 08:30")] // at the list: it is due now
    [InlineData("2026-09-30 09:00", "2026-10-08 08:30")] // after the last list before National Day: the holiday is skipped
    [InlineData("2026-10-09 12:00", "2026-10-10 08:30")] // Friday after the list: the make-up Saturday has one
    [InlineData("2026-10-10 09:00", "2026-10-12 08:30")] // the make-up Saturday after its list: Sunday has none
    public void The_next_list_is_at_half_past_eight_on_the_next_working_day(string from, string expected) =>
        Assert.Equal(Local(expected), MorningList.NextAt(Calendar, MorningList.DefaultAt, Local(from)));

    [Fact]
    public void The_list_day_is_the_court_date_not_the_utc_date() =>
        Assert.Equal(new DateOnly(2026, 9, 30), MorningList.Day(Calendar, Local("2026-09-30 07:00")));
}
