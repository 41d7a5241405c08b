using System.Collections.Immutable;

namespace Engine.Domain.Calendar;

/// <summary>A finished pause of a clock (the ticket waited on the caller): its steps moved later by the time it stood.</summary>
[GenerateSerializer, Immutable]
public sealed record ClockPause([property: Id(0)] DateTimeOffset From, [property: Id(1)] DateTimeOffset To);

/// <summary>
/// What a clock is counted from: the policy it started on, the approved reply deadline of an extension, and its
/// finished pauses. Counting it on a calendar gives the clock's deadline and ladder; counting it again on a calendar
/// that has since arrived or changed moves them to their exact times.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClockPlan(
    [property: Id(0)] DeadlinePolicy Policy,
    [property: Id(1)] DateTimeOffset? FixedReply,
    [property: Id(2)] ImmutableArray<ClockPause> Pauses)
{
    /// <summary>The clock <paramref name="number"/> started at <paramref name="start"/>, counted on
    /// <paramref name="calendar"/>, without the steps <paramref name="taken"/> on it already. A step is provisional
    /// when it was counted in working time across a year with no published calendar, or counted from a reply deadline
    /// that was.</summary>
    public DeadlineClock Count(int number, ClockCause cause, DateTimeOffset start, IEnumerable<DeadlineStep> taken, BusinessCalendar calendar)
    {
        var working = Policy.Reply.IsWorkingTime;
        var reply = FixedReply ?? Policy.Reply.After(start, calendar);
        var replyProvisional = working && FixedReply is null && !calendar.IsExact(start, reply);
        var steps = Policy.LadderTo(start, reply, calendar).Select(s => (s.Step, Due: s.DueAt, Provisional: s.Step switch
        {
            DeadlineStep.Warning => working && !calendar.IsExact(start, reply),
            DeadlineStep.Urging => replyProvisional,
            DeadlineStep.Supervision => replyProvisional || (Policy.Supervision.IsWorkingTime && !calendar.IsExact(reply, s.DueAt)),
            _ => replyProvisional || (Policy.SpecialSupervision.IsWorkingTime && !calendar.IsExact(reply, s.DueAt)),
        })).ToList();

        foreach (var pause in Pauses)
        {
            var stood = working ? calendar.WorkingTimeBetween(pause.From, pause.To) : pause.To - pause.From;
            var pauseProvisional = working && !calendar.IsExact(pause.From, pause.To);
            (DateTimeOffset, bool) Later(DateTimeOffset due, bool provisional)
            {
                var later = stood <= TimeSpan.Zero ? due : working ? calendar.AddWorkingTime(due, stood) : due + stood;
                return (later, provisional || pauseProvisional || (working && !calendar.IsExact(due, later)));
            }

            (reply, replyProvisional) = Later(reply, replyProvisional);
            steps = [.. steps.Select(s => Later(s.Due, s.Provisional) is var (due, provisional) ? (s.Step, due, provisional) : s)];
        }

        var done = taken.ToHashSet();
        var pending = steps.Where(s => !done.Contains(s.Step)).ToList();
        var last = pending.Select(s => s.Due).Append(reply).Max();
        return new DeadlineClock(
            number, cause, start, reply, working,
            [.. pending.Select(s => new PendingStep(s.Step, s.Due) { Provisional = s.Provisional })])
        {
            Plan = this,
            CalendarVersion = calendar.Version,
            ReplyProvisional = replyProvisional,
            ProvisionalYears = replyProvisional || pending.Any(s => s.Provisional)
                ? [.. Enumerable.Range(calendar.LocalYear(start), calendar.LocalYear(last) - calendar.LocalYear(start) + 1).Where(y => !calendar.IsExact(y))]
                : [],
        };
    }
}
