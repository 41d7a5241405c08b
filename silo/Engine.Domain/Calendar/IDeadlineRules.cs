namespace Engine.Domain.Calendar;

/// <summary>The deadline policy and working-time calendar a court and kind are counted on (the silo's
/// DeadlinePlanner, from the configuration and the stored calendars).</summary>
public interface IDeadlineRules
{
    /// <summary>A ticket handed to a new handler keeps its running deadline instead of getting a full reply time.</summary>
    bool KeepDeadlineOnTransfer { get; }

    (DeadlinePolicy Policy, BusinessCalendar Calendar) PlanFor(string? courtId, TicketKind kind);
}

public static class DeadlineRules
{
    /// <summary>A ticket's next clock from <paramref name="at"/>, on the policy of its court and kind.</summary>
    public static TicketDeadlines StartClock(this IDeadlineRules rules, TicketDeadlines? current, string? courtId, TicketKind kind, ClockCause cause, DateTimeOffset at)
    {
        var (policy, calendar) = rules.PlanFor(courtId, kind);
        return (current ?? TicketDeadlines.None).Start(cause, at, policy, calendar);
    }
}
