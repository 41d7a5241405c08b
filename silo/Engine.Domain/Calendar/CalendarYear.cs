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

    /// <summary>Reads the JSON calendar file format (<see cref="CalendarDocument"/>); throws <see cref="FormatException"/>
    /// naming the first field that is unreadable or wrong.</summary>
    public static CalendarYear Parse(string json)
    {
        var document = CalendarDocument.Parse(json);
        if (document.Problems() is [var (field, problem), ..])
        {
            throw new FormatException($"{field}: {problem}");
        }

        return document.ToYear();
    }
}
