using System.Collections.Immutable;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Contracts.Tickets;

/// <summary>The ticket's reply clock: pause, resume, extension, the steps that fire, and counting again when a
/// calendar arrives or changes.</summary>
public sealed partial class TicketAggregate
{
    /// <summary>Waiting on the caller: nothing fires until the clock resumes.</summary>
    public TicketTransition PauseClock(string actor, string reason, DateTimeOffset now) =>
        Clock(TicketCommand.PauseClock, actor, "clock-paused", now, (d, plan) => d.Pause(now, plan.Calendar.Zone), _ => reason,
            _ => new TicketClockPaused(actor, reason));

    /// <summary>Every pending step moves on by the time the clock stood still.</summary>
    public TicketTransition ResumeClock(string actor, string? reason, DateTimeOffset now) =>
        Clock(TicketCommand.ResumeClock, actor, "clock-resumed", now, (d, plan) => d.Resume(now, plan.Calendar), _ => reason,
            d => new TicketClockResumed(actor, d.Clock is { Problem: null } clock ? clock.ReplyDueAt : null));

    /// <summary>An approved new reply deadline: a new clock counted to it, the extension recorded. Refused
    /// (INVALID_ARGUMENT, new_reply_deadline) for a deadline not later than now and the current one.</summary>
    public TicketTransition ExtendDeadline(string actor, string approver, string reason, DateTimeOffset newReplyDeadline, DateTimeOffset now) =>
        Clock(TicketCommand.ExtendDeadline, actor, "deadline-extended", now,
            (d, plan) => d.Extend(now, newReplyDeadline, actor, approver, reason, plan.Policy, plan.Calendar),
            calendar => $"{reason} (approved by {approver}; new deadline {CourtTime.Format(newReplyDeadline, calendar.Zone)})",
            d => new TicketDeadlineExtended(actor, d.Extensions[^1]));

    /// <summary>The steps due at <paramref name="now"/>, in order: none when the ticket's state takes no step. The
    /// caller finds each one's recipients, then <see cref="Fire"/>s them.</summary>
    public IReadOnlyList<PendingStep> Due(DateTimeOffset now) =>
        ticket.Deadlines is { } deadlines && Allows(TicketCommand.FireDeadline) ? deadlines.Due(now) : [];

    /// <summary>Marks the steps taken, each with its recipients, in one version: one history entry and one event per
    /// step. A step is taken once; stored with its events, a retry finds it taken.</summary>
    public TicketTransition Fire(IReadOnlyList<(PendingStep Step, ImmutableArray<Recipient> Recipients)> due, DateTimeOffset now)
    {
        Require(TicketCommand.FireDeadline);
        var next = ticket.Deadlines ?? throw EngineException.Precondition($"ticket {ticket.TicketId} has no deadline clock");
        foreach (var (step, recipients) in due)
        {
            next = next.Fired(step, now, recipients);
        }

        var taken = next.Taken[^due.Count..];
        var zone = rules.PlanFor(ticket.CourtId, ticket.Kind).Calendar.Zone;
        var after = Next(ticket with { Deadlines = next }, now, taken.Select(s => new HistoryEntry(
            now, Engine, EventTypes.Step(s.Step), ticket.State, ticket.State,
            $"due {CourtTime.Format(s.DueAt, zone)}; to {string.Join(", ", s.Recipients.Select(r => $"{r.Role} {r.Id}"))}", ticket.Assignee)));
        return new TicketTransition(ticket, after, [.. taken.Select(s => (TicketEvent)new DeadlineStepFired(Engine, s, ticket.Assignee))]);
    }

    /// <summary>Whether the open clock was counted on calendars older than <paramref name="calendarVersion"/> (or before
    /// clocks kept their plan), so that <see cref="Replan"/> may move it.</summary>
    public bool CountedBefore(long calendarVersion) =>
        ticket.Deadlines is { } deadlines && TicketLifecycle.IsOpen(ticket.State)
        && !(deadlines.Clock is { Plan: not null } counted && counted.CalendarVersion >= calendarVersion);

    /// <summary>The clock counted again on the calendars the rules hold now: pending steps move (a step now past its time
    /// is due at once), steps taken stay taken. Null when there is nothing to count again.</summary>
    public TicketTransition? Replan(DateTimeOffset now)
    {
        if (ticket.Deadlines is not { } current || !TicketLifecycle.IsOpen(ticket.State))
        {
            return null;
        }

        var (policy, calendar) = rules.PlanFor(ticket.CourtId, ticket.Kind);
        if (current.Replan(calendar, policy) is not { Clock: { } clock } next)
        {
            return null;
        }

        var reason = $"counted again on the working calendars of version {calendar.Version}"
            + (clock.ProvisionalYears.IsEmpty ? string.Empty : $"; still provisional for {string.Join(", ", clock.ProvisionalYears)}");
        return Write(ticket with { Deadlines = next }, Engine, "deadline-replanned", reason, now, Replanned(current.Clock, clock));
    }

    private static TicketDeadlineReplanned Replanned(DeadlineClock? before, DeadlineClock after)
    {
        var was = (before?.Pending ?? []).ToDictionary(p => p.Step, p => p.DueAt);
        return new TicketDeadlineReplanned(
            Engine,
            before is { Problem: null } ? before.ReplyDueAt : null,
            after.CalendarVersion,
            after.Pending.Count(p => !was.TryGetValue(p.Step, out var due) || due != p.DueAt),
            after.Pending.Count(p => p.Provisional));
    }

    /// <summary>A change of the clock, refused when the ticket has none; the clock's own refusals become the caller's
    /// (a bad deadline INVALID_ARGUMENT, a clock in the wrong condition FAILED_PRECONDITION).</summary>
    /// <param name="reason">The history entry's reason, given the court's calendar (whose zone times are written in).</param>
    private TicketTransition Clock(
        TicketCommand command, string actor, string action, DateTimeOffset now,
        Func<TicketDeadlines, (DeadlinePolicy Policy, BusinessCalendar Calendar), TicketDeadlines> change,
        Func<BusinessCalendar, string?> reason, Func<TicketDeadlines, TicketEvent> happened)
    {
        Require(command);
        var clock = ticket.Deadlines ?? throw EngineException.Precondition($"ticket {ticket.TicketId} has no deadline clock");
        var plan = rules.PlanFor(ticket.CourtId, ticket.Kind);
        TicketDeadlines next;
        try
        {
            next = change(clock, plan);
        }
        catch (ArgumentException ex)
        {
            throw EngineException.Invalid("new_reply_deadline", ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw EngineException.Precondition(ex.Message);
        }

        return Write(ticket with { Deadlines = next }, actor, action, reason(plan.Calendar), now, happened(next));
    }
}
