using System.Collections.Immutable;

namespace Engine.Domain.Calendar;

/// <summary>Who a deadline step goes to, as resolved when it fires. Values equal engine.v1 RecipientRole.</summary>
[GenerateSerializer]
public enum RecipientRole
{
    /// <summary>The judge, division or queue holding the ticket.</summary>
    Handler = 1,
    DivisionHead = 2,
    VicePresident = 3,
    ServiceOffice = 4,
}

[GenerateSerializer, Immutable]
public sealed record Recipient(RecipientRole Role, string Id);

/// <summary>Why a clock (re)started. Values equal engine.v1 ClockCause.</summary>
[GenerateSerializer]
public enum ClockCause
{
    Received = 1,
    Dispatched = 2,
    Transferred = 3,
    Reopened = 4,
    Extended = 5,
}

[GenerateSerializer, Immutable]
public sealed record PendingStep(DeadlineStep Step, DateTimeOffset DueAt)
{
    /// <summary>Counted across a year with no published calendar (<see cref="ProvisionalCalendar"/>): it moves to its
    /// exact time when that year's calendar arrives.</summary>
    [Id(0)]
    public bool Provisional { get; init; }
}

/// <summary>A step that fired: of which clock, when it was due, when it fired, to whom.</summary>
[GenerateSerializer, Immutable]
public sealed record TakenStep(int Clock, DeadlineStep Step, DateTimeOffset DueAt, DateTimeOffset FiredAt, ImmutableArray<Recipient> Recipients);

/// <summary>An approved extension of the reply deadline (audited: who asked, who approved, why, from when to when).</summary>
[GenerateSerializer, Immutable]
public sealed record DeadlineExtension(int Clock, DateTimeOffset At, string Actor, string Approver, string Reason, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// One reply clock. A new clock starts when the ticket is received, dispatched or transferred to a new handler,
/// reopened, or its deadline extended; each step fires at most once per clock. A clock stops for good when the
/// ticket is replied, closed or cancelled; it pauses while the ticket waits on the caller.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeadlineClock(
    int Number,
    ClockCause Cause,
    DateTimeOffset StartedAt,
    DateTimeOffset ReplyDueAt,
    bool CountsWorkingTime,
    ImmutableArray<PendingStep> Pending,
    DateTimeOffset? PausedAt = null,
    DateTimeOffset? StoppedAt = null,
    string? Problem = null)
{
    /// <summary>What the clock was counted from, so that it can be counted again when a calendar arrives or changes.
    /// Null on clocks stored before calendars could change (those are counted again only if they have a
    /// <see cref="Problem"/>).</summary>
    [Id(0)]
    public ClockPlan? Plan { get; init; }

    /// <summary>The version of the calendars the clock was counted with: a calendar changed since then, for a year the
    /// clock spans, has it counted again.</summary>
    [Id(1)]
    public long CalendarVersion { get; init; }

    /// <summary>The reply deadline was counted across a year with no published calendar.</summary>
    [Id(2)]
    public bool ReplyProvisional { get; init; }

    /// <summary>Kept in a field so that a clock stored before it existed reads back an empty list, not a default one.</summary>
    [Id(3)]
    private readonly ImmutableArray<int> _provisionalYears = [];

    /// <summary>The years without a published calendar its provisional parts were counted across.</summary>
    public ImmutableArray<int> ProvisionalYears
    {
        get => _provisionalYears.IsDefault ? [] : _provisionalYears;
        init => _provisionalYears = value;
    }

    public bool IsRunning => StoppedAt is null && PausedAt is null && Problem is null;
}

/// <summary>
/// A ticket's deadlines: the current clock, every step taken so far (across clocks) and every extension. Pure and
/// immutable: each operation returns the next value, which the ticket stores with the change that caused it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TicketDeadlines(DeadlineClock? Clock, ImmutableArray<TakenStep> Taken, ImmutableArray<DeadlineExtension> Extensions)
{
    public static TicketDeadlines None { get; } = new(null, [], []);

    /// <summary>When the next pending step is due; null when nothing will fire (stopped, paused, all fired).</summary>
    public DateTimeOffset? NextDueAt =>
        Clock is { IsRunning: true, Pending.Length: > 0 } clock ? clock.Pending.Min(p => p.DueAt) : null;

    /// <summary>A new clock from <paramref name="now"/> on the policy. A year with no published calendar is counted
    /// provisionally, and the steps counted across it say so: a ticket is never without its deadline and ladder.</summary>
    public TicketDeadlines Start(ClockCause cause, DateTimeOffset now, DeadlinePolicy policy, BusinessCalendar calendar) =>
        this with { Clock = new ClockPlan(policy, null, []).Count((Clock?.Number ?? 0) + 1, cause, now, [], calendar) };

    /// <summary>The clock stops for good (replied, closed, cancelled): nothing more fires.</summary>
    public TicketDeadlines Stop(DateTimeOffset now) =>
        Clock is { StoppedAt: null } clock ? this with { Clock = clock with { StoppedAt = now, Pending = [] } } : this;

    /// <summary>Waiting on the caller: nothing fires until <see cref="Resume"/>. <paramref name="zone"/> is the court's,
    /// for the refusal of a second pause to say since when.</summary>
    public TicketDeadlines Pause(DateTimeOffset now, TimeZoneInfo zone)
    {
        var clock = Clock is { StoppedAt: null, Problem: null } c ? c : throw new InvalidOperationException("the ticket has no running clock to pause");
        return clock.PausedAt is { } since
            ? throw new InvalidOperationException($"the clock is already paused (since {CourtTime.Format(since, zone)})")
            : this with { Clock = clock with { PausedAt = now } };
    }

    /// <summary>Every pending step moves later by the time the clock stood still, in the clock's own measure
    /// (working time for working-time deadlines).</summary>
    public TicketDeadlines Resume(DateTimeOffset now, BusinessCalendar calendar)
    {
        var clock = Clock is { StoppedAt: null, PausedAt: { } pausedAt } c ? c : throw new InvalidOperationException("the clock is not paused");
        if (clock.Plan is { } plan)
        {
            var resumed = plan with { Pauses = plan.Pauses.Add(new ClockPause(pausedAt, now)) };
            return this with { Clock = resumed.Count(clock.Number, clock.Cause, clock.StartedAt, TakenOn(clock), calendar) };
        }

        // A clock stored before it kept its plan: its steps move as they always did.
        var stood = clock.CountsWorkingTime ? calendar.WorkingTimeBetween(pausedAt, now) : now - pausedAt;
        DateTimeOffset Later(DateTimeOffset due) =>
            stood <= TimeSpan.Zero ? due : clock.CountsWorkingTime ? calendar.AddWorkingTime(due, stood) : due + stood;
        return this with
        {
            Clock = clock with
            {
                PausedAt = null,
                ReplyDueAt = Later(clock.ReplyDueAt),
                Pending = [.. clock.Pending.Select(p => p with { DueAt = Later(p.DueAt) })],
            },
        };
    }

    /// <summary>A new reply deadline, approved: a new clock (its steps may fire again) counted to it, and the
    /// extension recorded. Throws <see cref="ArgumentException"/> for a deadline that is not later than now and the
    /// current one, <see cref="InvalidOperationException"/> when the clock is stopped or paused.</summary>
    public TicketDeadlines Extend(DateTimeOffset now, DateTimeOffset to, string actor, string approver, string reason, DeadlinePolicy policy, BusinessCalendar calendar)
    {
        var clock = Clock is { StoppedAt: null } c ? c : throw new InvalidOperationException("the ticket has no running clock to extend");
        if (clock.PausedAt is not null)
        {
            throw new InvalidOperationException("the clock is paused: resume it before extending the deadline");
        }

        if (to <= now || (clock.Problem is null && to <= clock.ReplyDueAt))
        {
            throw new ArgumentException($"the new deadline must be later than now and than the current deadline ({CourtTime.Format(clock.ReplyDueAt, calendar.Zone)})");
        }

        var next = new ClockPlan(policy, to, []).Count(clock.Number + 1, ClockCause.Extended, now, [], calendar);
        return this with { Clock = next, Extensions = Extensions.Add(new DeadlineExtension(next.Number, now, actor, approver, reason, clock.ReplyDueAt, to)) };
    }

    /// <summary>The pending steps due at <paramref name="now"/>, in order.</summary>
    public IReadOnlyList<PendingStep> Due(DateTimeOffset now) =>
        Clock is { IsRunning: true } clock ? [.. clock.Pending.Where(p => p.DueAt <= now).OrderBy(p => p.DueAt).ThenBy(p => p.Step)] : [];

    /// <summary>Records that <paramref name="step"/> fired to <paramref name="recipients"/>; it will not fire again.</summary>
    public TicketDeadlines Fired(PendingStep step, DateTimeOffset now, ImmutableArray<Recipient> recipients)
    {
        var clock = Clock ?? throw new InvalidOperationException("no clock");
        return this with
        {
            Clock = clock with { Pending = clock.Pending.Remove(step) },
            Taken = Taken.Add(new TakenStep(clock.Number, step.Step, step.DueAt, now, recipients)),
        };
    }

    /// <summary>The clock counted again on <paramref name="calendar"/> (a calendar arrived or changed): pending steps move
    /// to their new times, steps already taken on this clock stay taken, a pause in progress stays. A clock stored
    /// before clocks kept their plan is counted again only when it has no ladder (a <see cref="DeadlineClock.Problem"/>),
    /// on <paramref name="policy"/>. Null when there is nothing to count again (no clock, stopped, or an old clock
    /// that needs nothing).</summary>
    public TicketDeadlines? Replan(BusinessCalendar calendar, DeadlinePolicy policy)
    {
        if (Clock is not { StoppedAt: null } clock)
        {
            return null;
        }

        var plan = clock.Plan
            ?? (clock.Problem is not null ? new ClockPlan(policy, clock.Cause == ClockCause.Extended ? clock.ReplyDueAt : null, []) : null);
        return plan is null
            ? null
            : this with { Clock = plan.Count(clock.Number, clock.Cause, clock.StartedAt, TakenOn(clock), calendar) with { PausedAt = clock.PausedAt } };
    }

    private DeadlineStep[] TakenOn(DeadlineClock clock) => [.. Taken.Where(t => t.Clock == clock.Number).Select(t => t.Step)];
}
