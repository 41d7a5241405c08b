using Engine.Contracts;
using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Engine.Grains.Deadlines;

namespace Engine.Grains.Calendars;

/// <summary>Which years around today have no working calendar: <see cref="Provisional"/> holds this year and the
/// next when missing; <see cref="Missing"/> only those an operator is warned about (this year always, the next
/// from Engine:Deadlines:CalendarWarnFrom on); <see cref="Warning"/> says it in words.</summary>
public sealed record CalendarStatus(IReadOnlyList<int> Provisional, IReadOnlyList<int> Missing)
{
    public string? Warning => Missing.Count == 0 ? null
        : $"no working calendar is stored for {string.Join(" and ", Missing)}: deadlines there are counted provisionally "
          + "(weekends and the statutory holidays off, no make-up working days) until it is put with CalendarService.PutCalendar";
}

/// <summary>Tells whether the calendars this silo counts with cover this year and, from the configured day, the next
/// one (court time of Engine:Deadlines:TimeZone).</summary>
public sealed class CalendarWatch(CalendarBook book, IOptionsMonitor<DeadlineOptions> options, [FromKeyedServices(EngineClock.Key)] TimeProvider time)
{
    public CalendarStatus Check() => Check(book.Current.Stored);

    public CalendarStatus Check(IEnumerable<StoredCalendar> stored)
    {
        var settings = options.CurrentValue;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var years = stored.Select(s => s.Document.Year).ToHashSet();
        var provisional = new[] { today.Year, today.Year + 1 }.Where(y => !years.Contains(y)).ToList();
        var warnFrom = DeadlineOptions.TryParseMonthDay(settings.CalendarWarnFrom, out var from)
            ? new DateOnly(today.Year, from.Month, Math.Min(from.Day, DateTime.DaysInMonth(today.Year, from.Month)))
            : new DateOnly(today.Year, 11, 1);
        var missing = provisional.Where(y => y == today.Year || today >= warnFrom).ToList();
        return new CalendarStatus(provisional, missing);
    }
}
