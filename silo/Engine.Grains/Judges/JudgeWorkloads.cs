using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Grains.Judges;

/// <summary>A person's workload and morning list, counted from their tickets (pure: no storage, no Orleans).</summary>
public static class JudgeWorkloads
{
    /// <summary>Tickets replied this week are looked for among those made at most this long before the week began
    /// (newest first): a ticket older than that and replied this week is not counted.</summary>
    public static readonly TimeSpan RepliedLookBack = TimeSpan.FromDays(31);

    /// <summary>Monday 00:00 of <paramref name="now"/>'s week, court time.</summary>
    public static DateTimeOffset WeekStart(BusinessCalendar calendar, DateTimeOffset now)
    {
        var day = MorningList.Day(calendar, now);
        var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        return MorningList.Moment(calendar.Zone, monday, TimeOnly.MinValue);
    }

    /// <summary>The reply deadline of an open ticket's running clock, if it is still to come or past unreplied.</summary>
    private static DateTimeOffset? ReplyDue(TicketRecord ticket) =>
        ticket.Deadlines?.Clock is { StoppedAt: null } clock ? clock.ReplyDueAt : null;

    /// <summary>Urged (催办) on the running clock.</summary>
    private static bool Urged(TicketRecord ticket) =>
        ticket.Deadlines is { Clock: { } clock } deadlines && deadlines.Taken.Any(t => t.Clock == clock.Number && t.Step == DeadlineStep.Urging);

    /// <summary>The morning list of <paramref name="open"/> (the person's open tickets) at <paramref name="now"/>: due
    /// later today, past their reply deadline, urged.</summary>
    public static MorningListItems List(IReadOnlyCollection<TicketRecord> open, BusinessCalendar calendar, DateTimeOffset now)
    {
        var today = MorningList.Day(calendar, now);
        var dueToday = open.Where(t => ReplyDue(t) is { } due && due >= now && MorningList.Day(calendar, due) == today).Select(t => t.TicketId).ToList();
        var overdue = open.Where(t => ReplyDue(t) is { } due && due < now).Select(t => t.TicketId).ToList();
        var urged = open.Where(Urged).Select(t => t.TicketId).ToList();
        return new MorningListItems(
            Cap(dueToday), Cap(overdue), Cap(urged), dueToday.Count, overdue.Count, urged.Count);
    }

    /// <summary>The workload: <paramref name="open"/> as in <see cref="List"/>, <paramref name="recent"/> the person's
    /// tickets of any state made since the look-back before the week began.</summary>
    public static JudgeWorkload Count(string judgeId, IReadOnlyCollection<TicketRecord> open, IEnumerable<TicketRecord> recent, BusinessCalendar calendar, DateTimeOffset now)
    {
        var list = List(open, calendar, now);
        var weekStart = WeekStart(calendar, now);
        var replied = recent.Count(t => t.RepliedAt is { } at && at >= weekStart && at <= now && string.Equals(t.RepliedBy, judgeId, StringComparison.Ordinal));
        return new JudgeWorkload(open.Count, list.DueTodayCount, list.OverdueCount, list.UrgedCount, replied);
    }

    private static ImmutableArray<string> Cap(List<string> ids) => [.. ids.Order(StringComparer.Ordinal).Take(MorningListItems.MaxPerList)];
}
