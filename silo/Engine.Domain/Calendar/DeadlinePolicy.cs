namespace Engine.Domain.Calendar;

[GenerateSerializer]
public enum DeadlineUnit
{
    WorkingDays = 0,
    WorkingHours = 1,
    CalendarDays = 2,

    /// <summary>Elapsed seconds, regardless of working time: for drills, demos and tests.</summary>
    Seconds = 3,
}

/// <summary>An amount of time in a unit, e.g. 1 working day, 7 calendar days, 30 seconds.</summary>
[GenerateSerializer, Immutable]
public readonly record struct DeadlineSpan([property: Id(0)] double Amount, [property: Id(1)] DeadlineUnit Unit)
{
    public static DeadlineSpan WorkingDays(double n) => new(n, DeadlineUnit.WorkingDays);

    public static DeadlineSpan CalendarDays(double n) => new(n, DeadlineUnit.CalendarDays);

    public static DeadlineSpan Seconds(double n) => new(n, DeadlineUnit.Seconds);

    public DeadlineSpan Times(double factor) => this with { Amount = Amount * factor };

    /// <summary>Whether the span counts working time (so a pause is measured in working time too).</summary>
    public bool IsWorkingTime => Unit is DeadlineUnit.WorkingDays or DeadlineUnit.WorkingHours;

    /// <summary>Reads "1 working day", "3 working days", "4 working hours", "7 calendar days", "30 seconds".</summary>
    public static DeadlineSpan Parse(string text)
    {
        var parts = (text ?? string.Empty).Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount)
            && amount >= 0 && double.IsFinite(amount))
        {
            DeadlineUnit? unit = parts[1].ToLowerInvariant() switch
            {
                "working day" or "working days" => DeadlineUnit.WorkingDays,
                "working hour" or "working hours" => DeadlineUnit.WorkingHours,
                "calendar day" or "calendar days" or "day" or "days" => DeadlineUnit.CalendarDays,
                "second" or "seconds" => DeadlineUnit.Seconds,
                _ => null,
            };
            if (unit is { } u)
            {
                return new DeadlineSpan(amount, u);
            }
        }

        throw new FormatException($"'{text}' is not a deadline span: write e.g. \"1 working day\", \"4 working hours\", \"7 calendar days\" or \"30 seconds\"");
    }

    public override string ToString() => Unit switch
    {
        DeadlineUnit.WorkingDays => $"{Amount} working days",
        DeadlineUnit.WorkingHours => $"{Amount} working hours",
        DeadlineUnit.CalendarDays => $"{Amount} calendar days",
        _ => $"{Amount} seconds",
    };

    /// <summary>How much of this span's measure lies between two moments: working time for working units, elapsed
    /// time otherwise.</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to, BusinessCalendar calendar) =>
        IsWorkingTime ? calendar.WorkingTimeBetween(from, to) : (to > from ? to - from : TimeSpan.Zero);

    /// <summary>The moment <paramref name="amount"/> of this span's measure has passed since <paramref name="from"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset from, TimeSpan amount, BusinessCalendar calendar) =>
        amount <= TimeSpan.Zero ? from
        : IsWorkingTime ? calendar.AddWorkingTime(from, amount)
        : Unit == DeadlineUnit.CalendarDays ? calendar.AddCalendarTime(from, amount)
        : from + amount;

    /// <summary>The moment this span has passed since <paramref name="from"/>, on <paramref name="calendar"/>.</summary>
    public DateTimeOffset After(DateTimeOffset from, BusinessCalendar calendar) => Unit switch
    {
        DeadlineUnit.WorkingDays => calendar.AddWorkingDays(from, Amount),
        DeadlineUnit.WorkingHours => calendar.AddWorkingTime(from, TimeSpan.FromHours(Amount)),
        DeadlineUnit.CalendarDays => calendar.AddCalendarTime(from, TimeSpan.FromDays(Amount)),
        DeadlineUnit.Seconds => from + TimeSpan.FromSeconds(Amount),
        _ => throw new InvalidOperationException($"unknown deadline unit {Unit}"),
    };
}

/// <summary>The steps a deadline ladder takes, in order.</summary>
[GenerateSerializer]
public enum DeadlineStep
{
    Warning = 0,
    Urging = 1,
    Supervision = 2,
    SpecialSupervision = 3,
}

/// <summary>
/// One kind's deadlines (DESIGN.md §3): the reply deadline, a warning at a share of it, urging (催办) at it,
/// supervision (督办) and special supervision counted from the reply deadline in the same way.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeadlinePolicy(
    [property: Id(0)] DeadlineSpan Reply,
    [property: Id(1)] double WarningShare,
    [property: Id(2)] DeadlineSpan Supervision,
    [property: Id(3)] DeadlineSpan SpecialSupervision)
{
    /// <summary>The defaults of DESIGN.md: contact judge 1 working day; consultations and inquiries dispatched 3;
    /// online matters 3; suggestions 5; online filing 7 calendar days; callbacks 5 working days after closing.
    /// Warning at 75 %, supervision 1 working day and special supervision 3 working days after the deadline.</summary>
    public static DeadlinePolicy DefaultFor(TicketKind kind) => kind switch
    {
        TicketKind.ContactJudge => Standard(DeadlineSpan.WorkingDays(1)),
        TicketKind.CaseInquiry or TicketKind.Consultation or TicketKind.OnlineMatter => Standard(DeadlineSpan.WorkingDays(3)),
        TicketKind.Suggestion or TicketKind.Callback => Standard(DeadlineSpan.WorkingDays(5)),
        TicketKind.OnlineFiling => Standard(DeadlineSpan.CalendarDays(7)),
        _ => Standard(DeadlineSpan.WorkingDays(3)),
    };

    /// <summary>When each step is due for a clock that started at <paramref name="start"/>.</summary>
    public IReadOnlyList<(DeadlineStep Step, DateTimeOffset DueAt)> Ladder(DateTimeOffset start, BusinessCalendar calendar) =>
        LadderTo(start, Reply.After(start, calendar), calendar);

    /// <summary>The ladder of a clock started at <paramref name="start"/> whose reply deadline is
    /// <paramref name="reply"/> (set by the policy, or by an extension): the warning at the policy's share of the time
    /// between them, the later steps counted from the deadline.</summary>
    public IReadOnlyList<(DeadlineStep Step, DateTimeOffset DueAt)> LadderTo(DateTimeOffset start, DateTimeOffset reply, BusinessCalendar calendar)
    {
        var steps = new List<(DeadlineStep, DateTimeOffset)>(4);
        if (WarningShare is > 0 and < 1)
        {
            steps.Add((DeadlineStep.Warning, Reply.Add(start, Reply.Between(start, reply, calendar) * WarningShare, calendar)));
        }

        steps.Add((DeadlineStep.Urging, reply));
        steps.Add((DeadlineStep.Supervision, Supervision.After(reply, calendar)));
        steps.Add((DeadlineStep.SpecialSupervision, SpecialSupervision.After(reply, calendar)));
        return steps;
    }

    private static DeadlinePolicy Standard(DeadlineSpan reply) =>
        new(reply, 0.75, DeadlineSpan.WorkingDays(1), DeadlineSpan.WorkingDays(3));
}
