using Engine.Domain.Calendar;

namespace Engine.Bench;

/// <summary>The working-time calendar of the sample holiday files copied beside the benchmarks (samples/).</summary>
internal static class SampleCalendar
{
    public static BusinessCalendar Load() => new(
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "samples"), "calendar-cn-*.json").Select(f => CalendarYear.Parse(File.ReadAllText(f))));
}
