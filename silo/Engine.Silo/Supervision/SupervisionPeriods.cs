using System.Globalization;

namespace Engine.Silo.Supervision;

/// <summary>
/// The periods the page's figures compare, as whole days in the engine's time zone: today against yesterday, this
/// week (Monday to today) against the same days of the week before, and the chosen number of days against the same
/// number just before. Each is [From, To): <see cref="To"/> is the start of the day after the last.
/// </summary>
internal sealed class SupervisionPeriods
{
    public const string Today = "today";
    public const string Yesterday = "yesterday";
    public const string Week = "week";
    public const string LastWeek = "last_week";
    public const string Days = "days";
    public const string PreviousDays = "previous_days";

    public static readonly IReadOnlyList<string> Names = [Today, Yesterday, Week, LastWeek, Days, PreviousDays];

    private readonly TimeZoneInfo _zone;

    public SupervisionPeriods(TimeZoneInfo zone, DateTimeOffset now, int days)
    {
        _zone = zone;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var weekStart = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var weekDays = today.DayNumber - weekStart.DayNumber + 1;
        Ranges = new Dictionary<string, (DateOnly First, DateOnly Last)>(StringComparer.Ordinal)
        {
            [Today] = (today, today),
            [Yesterday] = (today.AddDays(-1), today.AddDays(-1)),
            [Week] = (weekStart, today),
            [LastWeek] = (weekStart.AddDays(-7), weekStart.AddDays(weekDays - 8)),
            [Days] = (today.AddDays(1 - days), today),
            [PreviousDays] = (today.AddDays(1 - (2 * days)), today.AddDays(-days)),
        };
    }

    /// <summary>First and last day of each period.</summary>
    public IReadOnlyDictionary<string, (DateOnly First, DateOnly Last)> Ranges { get; }

    /// <summary>The earliest day any period starts.</summary>
    public DateOnly Earliest => Ranges.Values.Min(r => r.First);

    public DateTimeOffset Start(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, _zone.GetUtcOffset(midnight));
    }

    /// <summary>The period as instants, [from, to).</summary>
    public (DateTimeOffset From, DateTimeOffset To) Instants(string name) =>
        (Start(Ranges[name].First), Start(Ranges[name].Last.AddDays(1)));

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public bool Holds(string name, string day)
    {
        var (first, last) = Ranges[name];
        var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return date >= first && date <= last;
    }
}
