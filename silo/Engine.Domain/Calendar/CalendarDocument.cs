using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.Domain.Calendar;

/// <summary>A named holiday period, both days included (e.g. 春节 2027-02-05 to 2027-02-13).</summary>
[GenerateSerializer, Immutable]
public sealed record HolidayPeriod([property: Id(0)] string Name, [property: Id(1)] DateOnly From, [property: Id(2)] DateOnly To);

/// <summary>
/// A year's working calendar as it is published and put through the API: named holiday periods (days off, weekdays
/// included) and the weekend days that are working days (调休). Its JSON is the shape of samples/calendar-cn-2026.json.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CalendarDocument(
    [property: Id(0)] int Year,
    [property: Id(1)] ImmutableArray<HolidayPeriod> Holidays,
    [property: Id(2)] ImmutableArray<DateOnly> Workdays,
    [property: Id(3)] string? About = null)
{
    /// <summary>Years the engine can count (the provisional rule's lunar and solar-term dates hold for these).</summary>
    public const int FirstYear = 2000;
    public const int LastYear = 2099;
    public const int MaxNameLength = 50;
    public const int MaxAboutLength = 2000;

    /// <summary>Everything wrong with it, as (field, problem) pairs naming the bad date; empty when it is sound: the year
    /// in range, every date inside the year, each period in order, no day both a holiday and a make-up working day, a
    /// make-up working day only on a Saturday or Sunday, and no day twice.</summary>
    public IReadOnlyList<(string Field, string Problem)> Problems()
    {
        var problems = new List<(string, string)>();
        if (Year is < FirstYear or > LastYear)
        {
            problems.Add(("year", $"must be between {FirstYear} and {LastYear} (it is {Year})"));
            return problems;
        }

        if (About is { Length: > MaxAboutLength })
        {
            problems.Add(("about", $"must be at most {MaxAboutLength} characters"));
        }

        var holidays = new Dictionary<DateOnly, int>();
        for (var i = 0; i < Holidays.Length; i++)
        {
            var (name, from, to) = Holidays[i];
            var field = $"holidays[{i}]";
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
            {
                problems.Add(($"{field}.name", $"must be 1 to {MaxNameLength} characters"));
            }

            var inside = Inside(problems, $"{field}.from", from) & Inside(problems, $"{field}.to", to);
            if (inside && to < from)
            {
                problems.Add(($"{field}.to", $"{Text(to)} is before its start {Text(from)}"));
            }
            else if (inside)
            {
                for (var day = from; day <= to; day = day.AddDays(1))
                {
                    if (!holidays.TryAdd(day, i))
                    {
                        problems.Add((field, $"{Text(day)} is already a holiday in holidays[{holidays[day]}]"));
                    }
                }
            }
        }

        var workdays = new HashSet<DateOnly>();
        for (var i = 0; i < Workdays.Length; i++)
        {
            var day = Workdays[i];
            var field = $"workdays[{i}]";
            if (!Inside(problems, field, day))
            {
                continue;
            }

            if (holidays.TryGetValue(day, out var holiday))
            {
                problems.Add((field, $"{Text(day)} is both a make-up working day and a holiday (holidays[{holiday}])"));
            }
            else if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                problems.Add((field, $"{Text(day)} is a {day.DayOfWeek}: a make-up working day is a Saturday or a Sunday"));
            }
            else if (!workdays.Add(day))
            {
                problems.Add((field, $"{Text(day)} is listed twice"));
            }
        }

        return problems;
    }

    /// <summary>The days off and the working weekend days, for counting.</summary>
    public CalendarYear ToYear() =>
        new(Year, Holidays.SelectMany(h => Days(h.From, h.To)).Distinct(), Workdays.Distinct());

    /// <summary>Reads the JSON calendar format: year, holidays [{ name, from, to }], workdays [date], optional about.
    /// Throws <see cref="FormatException"/> naming the field that cannot be read.</summary>
    public static CalendarDocument Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"json: is not valid JSON ({ex.Message})", ex);
        }

        if (root is not JsonObject document)
        {
            throw new FormatException("json: must be an object with year, holidays and workdays");
        }

        var year = document["year"] is JsonValue y && y.TryGetValue<int>(out var number) ? number : throw new FormatException("year: must be a whole number");
        var holidays = ImmutableArray.CreateBuilder<HolidayPeriod>();
        var periods = document["holidays"] as JsonArray ?? throw new FormatException("holidays: must be an array of { name, from, to }");
        for (var i = 0; i < periods.Count; i++)
        {
            var period = periods[i] as JsonObject ?? throw new FormatException($"holidays[{i}]: must be an object with name, from and to");
            holidays.Add(new HolidayPeriod(
                period["name"] is JsonValue n && n.TryGetValue<string>(out var name) ? name : string.Empty,
                Date(period["from"], $"holidays[{i}].from"),
                Date(period["to"], $"holidays[{i}].to")));
        }

        var days = document["workdays"] as JsonArray ?? throw new FormatException("workdays: must be an array of dates");
        var workdays = days.Select((d, i) => Date(d, $"workdays[{i}]")).ToImmutableArray();
        var about = document["about"] is JsonValue a && a.TryGetValue<string>(out var text) ? text : null;
        return new CalendarDocument(year, holidays.ToImmutable(), workdays, about);
    }

    /// <summary>The same JSON format, dates as yyyy-MM-dd.</summary>
    public string ToJson()
    {
        var document = new JsonObject();
        if (About is not null)
        {
            document["about"] = About;
        }

        document["year"] = Year;
        document["holidays"] = new JsonArray([.. Holidays.Select(h => new JsonObject { ["name"] = h.Name, ["from"] = Text(h.From), ["to"] = Text(h.To) })]);
        document["workdays"] = new JsonArray([.. Workdays.Select(d => JsonValue.Create(Text(d)))]);
        return document.ToJsonString(JsonOptions);
    }

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Reads yyyy-MM-dd, or throws naming <paramref name="field"/> (not quoting the text: it may be anything).</summary>
    public static DateOnly ParseDate(string? text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new FormatException($"{field}: is not a date written yyyy-MM-dd, e.g. 2027-01-01");

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private bool Inside(List<(string, string)> problems, string field, DateOnly day)
    {
        if (day.Year == Year)
        {
            return true;
        }

        problems.Add((field, $"{Text(day)} is not in {Year}"));
        return false;
    }

    private static DateOnly Date(JsonNode? node, string field) =>
        ParseDate(node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null, field);

    private static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            yield return day;
        }
    }
}
