using Engine.Contracts;
using Engine.Domain.Stats;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Engine.Views;
using V1 = Engine.V1;

namespace Engine.Grains.Statistics;

/// <summary>
/// How each event counts (the rules are in docs/statistics.md): every counter goes to the day of the event, under the
/// ticket's group at that moment, except satisfaction (under the called-back ticket) and the effective-reply
/// numerator (under the day and group where the ticket was dispatched). A ticket is counted overdue from its reply
/// deadline (the urging step) until it is replied to, closed, or its clock starts again.
/// </summary>
internal sealed class StatsCounting(TimeZoneInfo zone)
{
    private static readonly TypeRegistry Payloads = TypeRegistry.FromFiles(V1.EventsReflection.Descriptor);
    private static readonly MessageParser<TicketEventView> TicketEvents = TicketEventView.Parser.WithDiscardUnknownFields(true);

    /// <summary>The ticket a ticket event carries, as a view of the fields counted (its history and the rest are
    /// skipped, not built: decoding whole tickets was most of the projector's CPU); or, for a directory event, the
    /// payload. Other events (cases, calendars) give neither.</summary>
    public static (IMessage? Payload, TicketView? Ticket) Decode(LoggedEvent e)
    {
        var any = Any.Parser.ParseFrom(e.Payload);
        if (e.Type.StartsWith(EventTypes.DirectoryPrefix, StringComparison.Ordinal))
        {
            return (any.Unpack(Payloads), null);
        }

        return IsTicketEvent(e.Type) ? (null, TicketEvents.ParseFrom(any.Value).Ticket) : (null, null);
    }

    /// <summary>The events whose payload carries the ticket as its first field (events.proto).</summary>
    private static bool IsTicketEvent(string type) =>
        type.StartsWith(EventTypes.TicketPrefix, StringComparison.Ordinal) || type.StartsWith(EventTypes.DeadlinePrefix, StringComparison.Ordinal)
        || type.StartsWith(EventTypes.CallbackPrefix, StringComparison.Ordinal);

    /// <summary>The tickets and judges <see cref="Apply"/> will look up for these events, to be loaded first.</summary>
    public static void Needs(IMessage? payload, TicketView? ticket, ISet<string> tickets, ISet<string> judges)
    {
        if (ticket is null)
        {
            return;
        }

        tickets.Add(ticket.TicketId);
        if (ticket.CallbackOf.Length > 0)
        {
            tickets.Add(ticket.CallbackOf);
        }

        if (ticket.Assignee is { Type: V1.AssigneeType.Judge } assignee)
        {
            judges.Add(assignee.Id);
        }
    }

    /// <summary>The day (yyyymmdd) that holds <paramref name="at"/> in the engine's time zone.</summary>
    public int DayOf(DateTimeOffset at) => Number(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime));

    /// <summary>The days a period covers, rounded out: the day holding <paramref name="from"/> to the day holding the
    /// last moment before <paramref name="to"/>.</summary>
    public (int? From, int? To) DaysOf(DateTimeOffset? from, DateTimeOffset? to) =>
        (from is { } f ? DayOf(f) : null, to is { } t ? DayOf(t.AddTicks(-1)) : null);

    public static int Number(DateOnly day) => (day.Year * 10000) + (day.Month * 100) + day.Day;

    public static DateOnly Date(int day) => new(day / 10000, day / 100 % 100, day % 100);

    public void Apply(StatsBatch batch, LoggedEvent e, IMessage? payload, TicketView? ticket)
    {
        if (ticket is null)
        {
            Directory(batch, payload);
            return;
        }

        var day = DayOf(e.At);
        var group = GroupOf(batch, ticket, day);
        var known = batch.Tickets.TryGetValue(ticket.TicketId, out var memory);
        var before = known ? memory!.Group.OnDay(day) : group;
        memory ??= new TicketMemory { Group = group };
        batch.Tickets[ticket.TicketId] = memory;
        batch.ChangedTickets.Add(ticket.TicketId);

        switch (e.Type)
        {
            case EventTypes.TicketReceived when ticket.Kind != V1.TicketKind.Callback:
                batch.Add(group, StatsCounter.Received);
                foreach (var term in TopicTerms.Of(ticket.Content))
                {
                    batch.AddTerm(day, group.Court, term);
                }

                break;
            case EventTypes.TicketRouted when ticket.State == V1.TicketState.Dispatched:
            case EventTypes.TicketDispatched:
                Dispatched(batch, memory, group);
                break;
            case EventTypes.TicketMerged:
                batch.Add(group, StatsCounter.Merged);
                break;
            case EventTypes.TicketAnsweredOnSpot:
                batch.Add(group, StatsCounter.AnsweredOnSpot);
                break;
            case EventTypes.TicketReplied when !memory.Replied:
                Replied(batch, memory, group, ticket);
                break;
            case EventTypes.TicketTransferred:
                batch.Add(before, StatsCounter.Transferred);
                break;
            case EventTypes.TicketReturned:
                batch.Add(before, StatsCounter.Returned);
                break;
            case EventTypes.TicketReopened:
                batch.Add(group, StatsCounter.Reopened);
                break;
            case EventTypes.TicketCallbackRecorded when ticket.Callback is { } outcome && batch.Tickets.TryGetValue(ticket.CallbackOf, out var original):
                var calledBack = original.Group.OnDay(day);
                batch.Add(calledBack, StatsCounter.Callbacks);
                batch.Add(calledBack, StatsCounter.ServiceSatisfied, Satisfied(outcome.ServiceSatisfaction));
                batch.Add(calledBack, StatsCounter.ResultSatisfied, Satisfied(outcome.ResultSatisfaction));
                break;
            case EventTypes.DeadlineUrging:
                batch.Add(group, StatsCounter.Urged);
                break;
            case EventTypes.DeadlineSupervision:
                batch.Add(group, StatsCounter.Supervised);
                break;
            case EventTypes.DeadlineSpecialSupervision:
                batch.Add(group, StatsCounter.SpeciallySupervised);
                break;
        }

        memory.Group = group;
        memory.OverdueSinceMs = OverdueSince(ticket, e.At);
    }

    private static void Dispatched(StatsBatch batch, TicketMemory memory, StatsGroup group)
    {
        if (memory.Dispatch is null)
        {
            batch.Add(group, StatsCounter.Dispatched);
            memory.Dispatch = group;
        }
    }

    private static void Replied(StatsBatch batch, TicketMemory memory, StatsGroup group, TicketView ticket)
    {
        memory.Replied = true;
        batch.Add(group, StatsCounter.Replied);
        if (ticket.Clock is null || ticket.Clock.TimeLeft is null || ticket.Clock.TimeLeft.ToTimeSpan() >= TimeSpan.Zero)
        {
            batch.Add(group, StatsCounter.RepliedOnTime);
        }

        var seconds = Math.Max(0, (ticket.RepliedAt.ToDateTimeOffset() - ticket.CreatedAt.ToDateTimeOffset()).TotalSeconds);
        batch.Add(group, StatsCounter.ReplySeconds, (long)Math.Round(seconds));
        batch.AddReplyTime(group, ReplyTimeBuckets.Of(seconds));
        if (memory.Dispatch is { } dispatch)
        {
            batch.Add(dispatch, StatsCounter.DispatchedReplied);
        }
    }

    private static long Satisfied(V1.Satisfaction answer) =>
        answer is V1.Satisfaction.Satisfied or V1.Satisfaction.BasicallySatisfied ? 1 : 0;

    /// <summary>Since when the ticket is past its reply deadline without a reply, as of <paramref name="at"/>.</summary>
    private static long? OverdueSince(TicketView ticket, DateTimeOffset at)
    {
        if (ticket.Clock is not { ReplyDueAt: { } due } clock || clock.StoppedAt is not null
            || ticket.State is V1.TicketState.Replied or V1.TicketState.Closed or V1.TicketState.Cancelled or V1.TicketState.Merged or V1.TicketState.AnsweredOnSpot)
        {
            return null;
        }

        var dueAt = due.ToDateTimeOffset();
        var asOf = clock.PausedAt is { } paused ? paused.ToDateTimeOffset() : at;
        return dueAt <= asOf ? dueAt.ToUnixTimeMilliseconds() : null;
    }

    private static StatsGroup GroupOf(StatsBatch batch, TicketView ticket, int day)
    {
        var assignee = ticket.Assignee;
        var court = ticket.CourtId.Length > 0 ? ticket.CourtId : assignee?.CourtId ?? string.Empty;
        var (division, judge) = assignee?.Type switch
        {
            V1.AssigneeType.Judge => (batch.Judges.GetValueOrDefault(assignee.Id, string.Empty), assignee.Id),
            V1.AssigneeType.Division or V1.AssigneeType.Office => (assignee.Id, string.Empty),
            _ => (string.Empty, string.Empty),
        };
        return new StatsGroup(day, court, division, judge, (int)ticket.Kind, (int)ticket.SubKind, (int)ticket.Channel);
    }

    private static void Directory(StatsBatch batch, IMessage? payload)
    {
        IEnumerable<V1.Judge> judges = payload switch
        {
            V1.DirectoryJudgeUpserted upserted => [upserted.Judge],
            V1.DirectoryAvailabilitySet set => [set.Judge],
            V1.DirectoryCourtImported imported => imported.Judges,
            _ => [],
        };
        foreach (var judge in judges.Where(j => j is not null && j.DivisionId.Length > 0))
        {
            batch.Judges[judge.JudgeId] = judge.DivisionId;
            batch.ChangedJudges.Add(judge.JudgeId);
        }
    }
}
