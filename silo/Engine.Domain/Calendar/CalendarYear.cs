using System.Globalization;
using System.Text.Json;

namespace Engine.Domain.Calendar;

/// <summary>One year of a holiday schedule: the days off (public holidays, even on weekdays) and the weekend days
/// that are working days (调休). The shape of shared/data/calendar-cn-2025.json.</summary>
public sealed class CalendarYear
{
    public CalendarYear(int year, IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> workdays)
    {
        Year = year;
        Holidays = holidays.ToHashSet();
        Workdays = workdays.ToHashSet();
        if (Holidays.Concat(Workdays).FirstOrDefault(d => d.Year != year) is { Year: not 1 } stray)
        {
            throw new FormatException($"calendar {year} lists {stray:yyyy-MM-dd}, which is not in {year}");
        }

        if (Holidays.Overlaps(Workdays))
        {
            throw new FormatException($"calendar {year} lists {Holidays.Intersect(Workdays).First():yyyy-MM-dd} both as a holiday and as a working day");
        }
    }

    public int Year { get; }

    public IReadOnlySet<DateOnly> Holidays { get; }

    public IReadOnlySet<DateOnly> Workdays { get; }

    /// <summary>Reads the JSON calendar file format: year, holidays [{ name, from, to }], workdays [date].</summary>
    public static CalendarYear Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var year = root.GetProperty("year").GetInt32();
        var holidays = new List<DateOnly>();
        foreach (var holiday in root.GetProperty("holidays").EnumerateArray())
        {
            var from = Date(holiday.GetProperty("from").GetString());
            var to = Date(holiday.GetProperty("to").GetString());
            for (var d = from; d <= to; d = d.AddDays(1))
            {
                holidays.Add(d);
            }
        }

        var workdays = root.GetProperty("workdays").EnumerateArray().Select(w => Date(w.GetString())).ToList();
        return new CalendarYear(year, holidays, workdays);
    }

    private static DateOnly Date(string? text) =>
        DateOnly.ParseExact(text ?? string.Empty, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
