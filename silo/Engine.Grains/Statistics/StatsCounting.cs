using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Domain.Stats;
using Engine.Search;

namespace Engine.Grains.Statistics;

/// <summary>
/// How each event counts (the rules are in docs/statistics.md): every counter goes to the day of the event, under the
/// ticket's group at that moment, except satisfaction (under the called-back ticket) and the effective-reply
/// numerator (under the day and group where the ticket was dispatched). A ticket is counted overdue from its reply
/// deadline (the urging step) until it is replied to, closed, or its clock starts again.
/// </summary>
internal sealed class StatsCounting(TimeZoneInfo zone)
{
    /// <summary>The tickets and judges <see cref="Apply"/> will look up for this event, to be loaded first.</summary>
    public static void Needs(CountedEvent counted, ISet<string> tickets, ISet<string> judges)
    {
        if (counted.Ticket is not { } ticket)
        {
            return;
        }

        tickets.Add(ticket.TicketId);
        if (ticket.CallbackOf.Length > 0)
        {
            tickets.Add(ticket.CallbackOf);
        }

        if (ticket.Assignee is { Type: AssigneeType.Judge } assignee)
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

    /// <summary>The first moment of <paramref name="day"/> in the engine's time zone.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    public static int Number(DateOnly day) => (day.Year * 10000) + (day.Month * 100) + day.Day;

    public static DateOnly Date(int day) => new(day / 10000, day / 100 % 100, day % 100);

    public void Apply(StatsBatch batch, LoggedEvent e, CountedEvent counted)
    {
        if (counted.Ticket is not { } ticket)
        {
            Directory(batch, counted.Judges);
            foreach (var (court, parent) in counted.Courts)
            {
                batch.Courts[court] = parent;
            }

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
            case EventTypes.TicketReceived when ticket.Kind != TicketKind.Callback:
                batch.Add(group, StatsCounter.Received);
                foreach (var term in TopicWords.Of(ticket.Content))
                {
                    batch.AddTerm(day, group.Court, term);
                }

                if (ticket.Kind == TicketKind.OnlineFiling && ticket.State != TicketState.Merged)
                {
                    memory.FilingPendingSinceMs = e.At.ToUnixTimeMilliseconds();
                }

                break;
            case EventTypes.TicketRouted when ticket.State == TicketState.Dispatched:
            case EventTypes.TicketDispatched:
                Dispatched(batch, memory, group);
                break;
            case EventTypes.TicketMerged:
                batch.Add(group, StatsCounter.Merged);
                break;
            case EventTypes.TicketAnsweredOnSpot:
                batch.Add(group, StatsCounter.AnsweredOnSpot);
                Delivered(batch, group, ticket.Delivery);
                if (ticket.CitedEntry.Length > 0)
                {
                    batch.AddCitation(day, group.Court, ticket.CitedEntry);
                }

                break;
            case EventTypes.TicketReplied when !memory.Replied:
                Replied(batch, memory, group, ticket, e.At);
                Delivered(batch, group, ticket.Delivery);
                break;
            case EventTypes.TicketRated when ticket.Rating is { } rating:
                Rated(batch, group, rating);
                break;
            case EventTypes.TicketFilingDecided when ticket.Filing != FilingOutcome.Unspecified:
                batch.Add(group, StatsCounter.FilingsDecided);
                batch.Add(group, ticket.Filing switch
                {
                    FilingOutcome.Registered => StatsCounter.FilingsRegistered,
                    FilingOutcome.MaterialRequested => StatsCounter.FilingsMaterialRequested,
                    _ => StatsCounter.FilingsRefused,
                });
                memory.FilingPendingSinceMs = null;
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
                batch.Add(calledBack, StatsCounter.ServiceSatisfied, Satisfied(outcome.Service));
                batch.Add(calledBack, StatsCounter.ResultSatisfied, Satisfied(outcome.Result));
                break;
            case EventTypes.DeadlineUrging:
                batch.Add(group, StatsCounter.Urged);
                batch.Steps.Add(new StepChange(ticket.TicketId, DeadlineStep.Urging, e.At.ToUnixTimeMilliseconds(), group, ticket.Clock?.ReplyDueAt?.ToUnixTimeMilliseconds()));
                break;
            case EventTypes.DeadlineSupervision:
                batch.Add(group, StatsCounter.Supervised);
                batch.Steps.Add(new StepChange(ticket.TicketId, DeadlineStep.Supervision, e.At.ToUnixTimeMilliseconds(), group, ticket.Clock?.ReplyDueAt?.ToUnixTimeMilliseconds()));
                break;
            case EventTypes.DeadlineSpecialSupervision:
                batch.Add(group, StatsCounter.SpeciallySupervised);
                batch.Steps.Add(new StepChange(ticket.TicketId, DeadlineStep.SpecialSupervision, e.At.ToUnixTimeMilliseconds(), group, ticket.Clock?.ReplyDueAt?.ToUnixTimeMilliseconds()));
                break;
        }

        if (e.Type == EventTypes.TicketReplied)
        {
            batch.Steps.Add(new StepChange(ticket.TicketId, null, (ticket.RepliedAt ?? e.At).ToUnixTimeMilliseconds(), group, null));
        }

        memory.Group = group;
        memory.OverdueSinceMs = OverdueSince(ticket, e.At);
        if (ticket.State is TicketState.Cancelled or TicketState.Merged)
        {
            memory.FilingPendingSinceMs = null;
        }

        memory.FilingDueMs = memory.FilingPendingSinceMs is null ? null : ticket.Clock?.ReplyDueAt?.ToUnixTimeMilliseconds();
    }

    private static void Delivered(StatsBatch batch, StatsGroup group, ReplyDelivery delivery)
    {
        if (delivery != ReplyDelivery.Unspecified)
        {
            batch.Add(group, delivery switch
            {
                ReplyDelivery.PublicReply => StatsCounter.DeliveredPublicReply,
                ReplyDelivery.PhoneCall => StatsCounter.DeliveredPhoneCall,
                ReplyDelivery.Sms => StatsCounter.DeliveredSms,
                ReplyDelivery.WeChatMessage => StatsCounter.DeliveredWeChatMessage,
                _ => StatsCounter.DeliveredInPerson,
            });
        }
    }

    /// <summary>A rating counts under the ticket's group, and for the person who answered and the window, if any.</summary>
    private static void Rated(StatsBatch batch, StatsGroup group, CountedRating rating)
    {
        batch.Add(group, StatsCounter.Ratings);
        batch.Add(group, StatsCounter.RatedServiceSatisfied, Satisfied(rating.Service));
        batch.Add(group, StatsCounter.RatedResultSatisfied, Satisfied(rating.Result));
        if (rating.StaffId.Length > 0 && rating.StaffSubject != RatedSubject.Unspecified)
        {
            batch.AddRating(group.Day, group.Court, rating.StaffSubject, rating.StaffId, rating);
        }

        if (rating.WindowId.Length > 0)
        {
            batch.AddRating(group.Day, group.Court, RatedSubject.Window, rating.WindowId, rating);
        }
    }

    private static void Dispatched(StatsBatch batch, TicketMemory memory, StatsGroup group)
    {
        if (memory.Dispatch is null)
        {
            batch.Add(group, StatsCounter.Dispatched);
            memory.Dispatch = group;
        }
    }

    private static void Replied(StatsBatch batch, TicketMemory memory, StatsGroup group, CountedTicket ticket, DateTimeOffset at)
    {
        memory.Replied = true;
        batch.Add(group, StatsCounter.Replied);
        if (ticket.Clock?.TimeLeft is not { } left || left >= TimeSpan.Zero)
        {
            batch.Add(group, StatsCounter.RepliedOnTime);
        }

        var seconds = Math.Max(0, ((ticket.RepliedAt ?? at) - ticket.CreatedAt).TotalSeconds);
        batch.Add(group, StatsCounter.ReplySeconds, (long)Math.Round(seconds));
        batch.AddReplyTime(group, ReplyTimeBuckets.Of(seconds));
        if (memory.Dispatch is { } dispatch)
        {
            batch.Add(dispatch, StatsCounter.DispatchedReplied);
        }
    }

    private static long Satisfied(Satisfaction answer) =>
        answer is Satisfaction.Satisfied or Satisfaction.BasicallySatisfied ? 1 : 0;

    /// <summary>Since when the ticket is past its reply deadline without a reply, as of <paramref name="at"/>.</summary>
    private static long? OverdueSince(CountedTicket ticket, DateTimeOffset at)
    {
        if (ticket.Clock is not { ReplyDueAt: { } due } clock || clock.StoppedAt is not null
            || ticket.State is TicketState.Replied or TicketState.Closed or TicketState.Cancelled or TicketState.Merged or TicketState.AnsweredOnSpot)
        {
            return null;
        }

        var asOf = clock.PausedAt ?? at;
        return due <= asOf ? due.ToUnixTimeMilliseconds() : null;
    }

    private static StatsGroup GroupOf(StatsBatch batch, CountedTicket ticket, int day)
    {
        var assignee = ticket.Assignee;
        var court = ticket.CourtId.Length > 0 ? ticket.CourtId : assignee?.CourtId ?? string.Empty;
        var (division, judge) = assignee?.Type switch
        {
            AssigneeType.Judge => (batch.Judges.GetValueOrDefault(assignee.Id, string.Empty), assignee.Id),
            AssigneeType.Division or AssigneeType.Office => (assignee.Id, string.Empty),
            _ => (string.Empty, string.Empty),
        };
        return new StatsGroup(day, court, division, judge, (int)ticket.Kind, (int)ticket.SubKind, (int)ticket.Channel);
    }

    private static void Directory(StatsBatch batch, IEnumerable<(string JudgeId, string DivisionId)> judges)
    {
        foreach (var (judge, division) in judges)
        {
            batch.Judges[judge] = division;
            batch.ChangedJudges.Add(judge);
        }
    }
}
