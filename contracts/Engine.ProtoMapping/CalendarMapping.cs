using Engine.Contracts;
using Engine.Domain.Calendar;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.ProtoMapping;

/// <summary>Working calendars between the engine's records and engine.v1 calendar.proto.</summary>
public static class CalendarMapping
{
    public static V1.StoredCalendar ToProto(StoredCalendar stored) => new()
    {
        Calendar = ToProto(stored.Document),
        Source = stored.Source,
        Version = stored.Version,
        Change = stored.Change,
        UpdatedAt = Timestamp.FromDateTimeOffset(stored.UpdatedAt),
        UpdatedBy = stored.UpdatedBy,
    };

    public static V1.WorkingCalendar ToProto(CalendarDocument document)
    {
        var calendar = new V1.WorkingCalendar { Year = document.Year, About = document.About ?? string.Empty };
        calendar.Holidays.AddRange(document.Holidays.Select(h => new V1.HolidayPeriod
        {
            Name = h.Name, From = CalendarDocument.Text(h.From), To = CalendarDocument.Text(h.To),
        }));
        calendar.Workdays.AddRange(document.Workdays.Select(CalendarDocument.Text));
        return calendar;
    }

    /// <summary>Reads the dates; throws <see cref="FormatException"/> naming the first that is not yyyy-MM-dd (the
    /// field path under <paramref name="prefix"/>).</summary>
    public static CalendarDocument FromProto(V1.WorkingCalendar calendar, string prefix) => new(
        calendar.Year,
        [.. calendar.Holidays.Select((h, i) => new HolidayPeriod(
            h.Name,
            CalendarDocument.ParseDate(h.From, $"{prefix}holidays[{i}].from"),
            CalendarDocument.ParseDate(h.To, $"{prefix}holidays[{i}].to")))],
        [.. calendar.Workdays.Select((d, i) => CalendarDocument.ParseDate(d, $"{prefix}workdays[{i}]"))],
        calendar.About.Length == 0 ? null : calendar.About);
}
