using Engine.Domain;

namespace Engine.Grains.Deadlines;

/// <summary>
/// Deadline policies and working time. Bound from "Engine:Deadlines". Spans are written as "1 working day",
/// "4 working hours", "7 calendar days" or "30 seconds". The order of precedence for a court and kind: the court's
/// kind, the court's <c>All</c>, the kind, <c>All</c>, then the defaults of DESIGN.md (<see cref="Domain.Calendar.DeadlinePolicy.DefaultFor"/>).
/// Read again when the configuration changes: new clocks use the new policy, running ones keep theirs.
/// </summary>
public sealed class DeadlineOptions
{
    /// <summary>A transfer (or a dispatch by staff) keeps the running deadline instead of giving the new handler a
    /// full one. Default false.</summary>
    public bool KeepDeadlineOnTransfer { get; set; }

    /// <summary>How often each deadline shard looks for due steps. Default 250 ms: steps fire within a second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Tickets a shard wakes at once; more wait for the next round of the same tick.</summary>
    public int FireBatchSize { get; set; } = 256;

    /// <summary>Wakes in flight at once on one silo, over all the deadline and timer shards it holds; more wait, without
    /// a thread, for a place (<see cref="WakeGate"/>). Default 512. Read at start.</summary>
    public int MaxWakesPerSilo { get; set; } = 512;

    /// <summary>Working calendars stored at start beside the ones built in (calendar-cn-2025/2026.json); a file for a
    /// year that is built in replaces it. A year put through CalendarService.PutCalendar is never replaced by a file.</summary>
    public string[] CalendarFiles { get; set; } = [];

    /// <summary>How often each silo looks for calendars changed on another silo. Default 5 s.</summary>
    public TimeSpan CalendarRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>From this day of the year (MM-dd, court time), a missing calendar for the next year is reported: in the
    /// health detail, once a day in the log, on the metric engine.calendar.missing_years and on the supervision page.
    /// Default 11-01.</summary>
    public string CalendarWarnFrom { get; set; } = "11-01";

    /// <summary>Reads MM-dd (a day that exists in a leap year).</summary>
    public static bool TryParseMonthDay(string? text, out (int Month, int Day) monthDay)
    {
        monthDay = default;
        if (DateOnly.TryParseExact($"2000-{text}", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            monthDay = (day.Month, day.Day);
            return true;
        }

        return false;
    }

    /// <summary>IANA time zone of working time. Default Asia/Shanghai.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Working periods of a day, e.g. ["08:30-12:00", "13:30-17:30"] (the default).</summary>
    public string[]? WorkingHours { get; set; }

    /// <summary>Applies to every kind (before <see cref="Kinds"/>): handy for drills, e.g. All:Reply = "20 seconds".</summary>
    public KindDeadlineOptions? All { get; set; }

    public Dictionary<TicketKind, KindDeadlineOptions> Kinds { get; set; } = [];

    /// <summary>Per court id: its own time zone, working hours and policies.</summary>
    public Dictionary<string, CourtDeadlineOptions> Courts { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Any of the four may be left out: it keeps the value from the level below.</summary>
public sealed class KindDeadlineOptions
{
    public string? Reply { get; set; }

    /// <summary>The warning's share of the reply time, e.g. 0.75; 0 for no warning.</summary>
    public double? WarningShare { get; set; }

    public string? Supervision { get; set; }

    public string? SpecialSupervision { get; set; }
}

public sealed class CourtDeadlineOptions
{
    public string? TimeZone { get; set; }

    public string[]? WorkingHours { get; set; }

    public KindDeadlineOptions? All { get; set; }

    public Dictionary<TicketKind, KindDeadlineOptions> Kinds { get; set; } = [];
}
