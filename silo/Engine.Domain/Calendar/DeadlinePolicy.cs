namespace Engine.Domain.Calendar;

public enum DeadlineUnit
{
    WorkingDays,
    WorkingHours,
    CalendarDays,

    /// <summary>Elapsed seconds, regardless of working time: for drills, demos and tests.</summary>
    Seconds,
}

/// <summary>An amount of time in a unit, e.g. 1 working day, 7 calendar days, 30 seconds.</summary>
public readonly record struct DeadlineSpan(double Amount, DeadlineUnit Unit)
{
    public static DeadlineSpan WorkingDays(double n) => new(n, DeadlineUnit.WorkingDays);

    public static DeadlineSpan CalendarDays(double n) => new(n, DeadlineUnit.CalendarDays);

    public static DeadlineSpan Seconds(double n) => new(n, DeadlineUnit.Seconds);

    public DeadlineSpan Times(double factor) => this with { Amount = Amount * factor };

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
public enum DeadlineStep
{
    Warning,
    Urging,
    Supervision,
    SpecialSupervision,
}

/// <summary>
/// One kind's deadlines (DESIGN.md §3): the reply deadline, a warning at a share of it, urging (催办) at it,
/// supervision (督办) and special supervision counted from the reply deadline in the same way.
/// </summary>
public sealed record DeadlinePolicy(DeadlineSpan Reply, double WarningShare, DeadlineSpan Supervision, DeadlineSpan SpecialSupervision)
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
    public IReadOnlyList<(DeadlineStep Step, DateTimeOffset DueAt)> Ladder(DateTimeOffset start, BusinessCalendar calendar)
    {
        var reply = Reply.After(start, calendar);
        var steps = new List<(DeadlineStep, DateTimeOffset)>(4);
        if (WarningShare is > 0 and < 1)
        {
            steps.Add((DeadlineStep.Warning, Reply.Times(WarningShare).After(start, calendar)));
        }

        steps.Add((DeadlineStep.Urging, reply));
        steps.Add((DeadlineStep.Supervision, Supervision.After(reply, calendar)));
        steps.Add((DeadlineStep.SpecialSupervision, SpecialSupervision.After(reply, calendar)));
        return steps;
    }

    private static DeadlinePolicy Standard(DeadlineSpan reply) =>
        new(reply, 0.75, DeadlineSpan.WorkingDays(1), DeadlineSpan.WorkingDays(3));
}
