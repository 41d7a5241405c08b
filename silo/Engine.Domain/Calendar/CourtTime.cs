using System.Globalization;

namespace Engine.Domain.Calendar;

/// <summary>A time written where a court's staff read it (refusals, history reasons): in the court's time zone with its
/// offset, to the second and only as finely as needed, e.g. 2026-12-04T23:19:31+08:00 or 2026-12-04T23:19:31.88+08:00.
/// A UTC time made staff in Shanghai add eight hours in their heads, and made a deadline look like the day before.</summary>
public static class CourtTime
{
    public static string Format(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
}
