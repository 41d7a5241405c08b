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
    public DeadlineClock Count(int number, ClockCause cause, DateTimeOffset start, IReadOnlyCollection<DeadlineStep> taken, BusinessCalendar calendar)
    {
        var working = Policy.Reply.IsWorkingTime;
        var reply = FixedReply ?? Policy.Reply.After(start, calendar);
        var replyProvisional = working && FixedReply is null && !calendar.IsExact(start, reply);
        var warningProvisional = working && !calendar.IsExact(start, reply);

        // What each finished pause stood, in the clock's measure, and whether that was counted provisionally.
        var stood = new (TimeSpan Amount, bool Provisional)[Pauses.Length];
        for (var i = 0; i < Pauses.Length; i++)
        {
            var (from, to) = (Pauses[i].From, Pauses[i].To);
            stood[i] = (working ? calendar.WorkingTimeBetween(from, to) : to - from, working && !calendar.IsExact(from, to));
        }

        (DateTimeOffset, bool) Shifted(DateTimeOffset due, bool provisional)
        {
            foreach (var (amount, pauseProvisional) in stood)
            {
                var later = amount <= TimeSpan.Zero ? due : working ? calendar.AddWorkingTime(due, amount) : due + amount;
                provisional |= pauseProvisional || (working && !calendar.IsExact(due, later));
                due = later;
            }

            return (due, provisional);
        }

        var ladder = Policy.LadderTo(start, reply, calendar);
        var pending = ImmutableArray.CreateBuilder<PendingStep>(ladder.Count);
        var last = reply;
        foreach (var (step, due) in ladder)
        {
            if (taken.Contains(step))
            {
                continue;
            }

            var (at, provisional) = Shifted(due, step switch
            {
                DeadlineStep.Warning => warningProvisional,
                DeadlineStep.Urging => replyProvisional,
                DeadlineStep.Supervision => replyProvisional || (Policy.Supervision.IsWorkingTime && !calendar.IsExact(reply, due)),
                _ => replyProvisional || (Policy.SpecialSupervision.IsWorkingTime && !calendar.IsExact(reply, due)),
            });
            pending.Add(new PendingStep(step, at) { Provisional = provisional });
            last = at > last ? at : last;
        }

        (reply, replyProvisional) = Shifted(reply, replyProvisional);
        var anyProvisional = replyProvisional;
        foreach (var step in pending)
        {
            anyProvisional |= step.Provisional;
        }

        return new DeadlineClock(number, cause, start, reply, working, pending.DrainToImmutable())
        {
            Plan = this,
            CalendarVersion = calendar.Version,
            ReplyProvisional = replyProvisional,
            ProvisionalYears = anyProvisional ? ProvisionalYearsBetween(start, last > reply ? last : reply, calendar) : [],
        };
    }

    private static ImmutableArray<int> ProvisionalYearsBetween(DateTimeOffset from, DateTimeOffset to, BusinessCalendar calendar)
    {
        var years = ImmutableArray.CreateBuilder<int>();
        for (var year = calendar.LocalYear(from); year <= calendar.LocalYear(to); year++)
        {
            if (!calendar.IsExact(year))
            {
                years.Add(year);
            }
        }

        return years.ToImmutable();
    }
}
