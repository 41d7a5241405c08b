using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Domain;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Engine.Views;
using V1 = Engine.V1;

namespace Engine.Grains.Statistics;

/// <summary>What statistics count of an event: for a ticket event the ticket after it (the fields counted by); for a
/// directory event the judges' divisions and the courts' parents it sets. Other events (cases, calendars) give neither.</summary>
internal sealed record CountedEvent(CountedTicket? Ticket, ImmutableArray<(string JudgeId, string DivisionId)> Judges)
{
    public static CountedEvent None { get; } = new(null, []);

    /// <summary>On directory.court_upserted and directory.court_imported: the court and the court it is under (empty:
    /// none).</summary>
    public ImmutableArray<(string CourtId, string ParentCourtId)> Courts { get; init; } = [];
}

/// <summary>The fields of a ticket that statistics count by, as an event leaves it. Strings are empty when absent.</summary>
internal sealed record CountedTicket(
    string TicketId, TicketState State, Channel Channel, TicketKind Kind, TicketSubKind SubKind, string CourtId, Assignee? Assignee,
    DateTimeOffset CreatedAt, string Content, string CallbackOf, DateTimeOffset? RepliedAt, CountedOutcome? Callback, CountedClock? Clock)
{
    /// <summary>On ticket.replied and ticket.answered_on_spot: how it reached the caller.</summary>
    public ReplyDelivery Delivery { get; init; }

    /// <summary>On ticket.rated: the rating.</summary>
    public CountedRating? Rating { get; init; }

    /// <summary>On ticket.filing_decided: the decision.</summary>
    public FilingOutcome Filing { get; init; }

    /// <summary>On ticket.answered_on_spot: the knowledge-base entry the answer cites (empty: none).</summary>
    public string CitedEntry { get; init; } = string.Empty;
}

/// <summary>A rating, and whom it rates (empty: nobody of that kind).</summary>
internal sealed record CountedRating(Satisfaction Service, Satisfaction Result, string StaffId, RatedSubject StaffSubject, string WindowId);

internal sealed record CountedOutcome(Satisfaction Service, Satisfaction Result);

/// <param name="ReplyDueAt">Null on a clock with a problem (no deadline could be set).</param>
/// <param name="TimeLeft">As of the change (frozen at a pause or the stop); null without a deadline.</param>
internal sealed record CountedClock(DateTimeOffset? ReplyDueAt, DateTimeOffset? PausedAt, DateTimeOffset? StoppedAt, TimeSpan? TimeLeft);

/// <summary>
/// The statistics projector's decoder, the one reader of event payloads in the silo: both versions of ticket payloads
/// (events.proto): a thin one is read from its header (and, for ticket.callback_recorded, its outcome); one written
/// before thin events through a view of the whole ticket it carries, whose history and other fields are skipped, not
/// built (decoding whole tickets was most of the projector's CPU).
/// </summary>
internal static class StatsEvents
{
    private static readonly TypeRegistry Directory = TypeRegistry.FromFiles(V1.EventsReflection.Descriptor);
    private static readonly MessageParser<TicketEventView> Views = TicketEventView.Parser.WithDiscardUnknownFields(true);

    public static CountedEvent Decode(LoggedEvent e)
    {
        if (e.Type.StartsWith("directory.", StringComparison.Ordinal))
        {
            var payload = Any.Parser.ParseFrom(e.Payload).Unpack(Directory);
            return new CountedEvent(null, Judges(payload)) { Courts = Courts(payload) };
        }

        if (!IsTicketEvent(e.Type))
        {
            return CountedEvent.None;
        }

        var any = Any.Parser.ParseFrom(e.Payload);
        var view = Views.ParseFrom(any.Value);
        var ticket = view.Ticket is { } whole ? FromView(whole)
            : view.Header is { } header ? FromHeader(e.Type, header, any)
            : null;
        return new CountedEvent(ticket, []);
    }

    /// <summary>The events whose payload carries the ticket (events.proto).</summary>
    private static bool IsTicketEvent(string type) =>
        type.StartsWith("ticket.", StringComparison.Ordinal) || type.StartsWith("deadline.", StringComparison.Ordinal)
        || type.StartsWith("callback.", StringComparison.Ordinal);

    /// <summary>A payload written before thin events (or a new ticket.received, whose ticket is the new ticket).</summary>
    private static CountedTicket FromView(TicketView t) => new(
        t.TicketId, (TicketState)t.State, (Channel)t.Channel, (TicketKind)t.Kind, (TicketSubKind)t.SubKind, t.CourtId, Assignee(t.Assignee),
        t.CreatedAt.ToDateTimeOffset(), t.Content, t.CallbackOf, t.RepliedAt?.ToDateTimeOffset(),
        t.Callback is { } c ? new CountedOutcome((Satisfaction)c.ServiceSatisfaction, (Satisfaction)c.ResultSatisfaction) : null,
        Clock(t.Clock)) { Delivery = (ReplyDelivery)t.ReplyDelivery };

    /// <summary>A thin payload: the header, and what the change set. A reply is made at the change's time.</summary>
    private static CountedTicket FromHeader(string type, V1.TicketHeader h, Any any)
    {
        var outcome = type == "ticket.callback_recorded" ? V1.TicketCallbackRecorded.Parser.ParseFrom(any.Value).Outcome : null;
        var counted = new CountedTicket(
            h.TicketId, (TicketState)h.State, (Channel)h.Channel, (TicketKind)h.Kind, (TicketSubKind)h.SubKind, h.CourtId, Assignee(h.Assignee),
            h.CreatedAt.ToDateTimeOffset(), string.Empty, h.CallbackOf, type == "ticket.replied" ? h.UpdatedAt.ToDateTimeOffset() : null,
            outcome is null ? null : new CountedOutcome((Satisfaction)outcome.ServiceSatisfaction, (Satisfaction)outcome.ResultSatisfaction),
            Clock(h.Clock));
        return type switch
        {
            EventTypes.TicketReplied => counted with { Delivery = (ReplyDelivery)V1.TicketReplied.Parser.ParseFrom(any.Value).Delivery },
            EventTypes.TicketAnsweredOnSpot => AnsweredOnSpot(counted, V1.TicketAnsweredOnSpot.Parser.ParseFrom(any.Value)),
            EventTypes.TicketRated when V1.TicketRated.Parser.ParseFrom(any.Value).Rating is { } r => counted with
            {
                Rating = new CountedRating((Satisfaction)r.ServiceSatisfaction, (Satisfaction)r.ResultSatisfaction, r.StaffId, (RatedSubject)r.StaffSubject, r.WindowId),
            },
            EventTypes.TicketFilingDecided => counted with { Filing = (FilingOutcome)(V1.TicketFilingDecided.Parser.ParseFrom(any.Value).Decision?.Outcome ?? 0) },
            _ => counted,
        };
    }

    private static CountedTicket AnsweredOnSpot(CountedTicket counted, V1.TicketAnsweredOnSpot spot) =>
        counted with { Delivery = (ReplyDelivery)spot.Delivery, CitedEntry = spot.KnowledgeEntryId };

    private static Assignee? Assignee(V1.Assignee? a) => a is null ? null : new Assignee((AssigneeType)a.Type, a.Id, a.CourtId);

    private static CountedClock? Clock(V1.ReplyClock? c) => c is null
        ? null
        : new CountedClock(c.ReplyDueAt?.ToDateTimeOffset(), c.PausedAt?.ToDateTimeOffset(), c.StoppedAt?.ToDateTimeOffset(), c.TimeLeft?.ToTimeSpan());

    private static ImmutableArray<(string CourtId, string ParentCourtId)> Courts(IMessage payload)
    {
        var court = payload switch
        {
            V1.DirectoryCourtUpserted upserted => upserted.Court,
            V1.DirectoryCourtImported imported => imported.Court,
            _ => null,
        };
        return court is null || court.CourtId.Length == 0 ? [] : [(court.CourtId, court.ParentCourtId)];
    }

    private static ImmutableArray<(string JudgeId, string DivisionId)> Judges(IMessage payload)
    {
        IEnumerable<V1.Judge> judges = payload switch
        {
            V1.DirectoryJudgeUpserted upserted => [upserted.Judge],
            V1.DirectoryAvailabilitySet set => [set.Judge],
            V1.DirectoryCourtImported imported => imported.Judges,
            _ => [],
        };
        return [.. judges.Where(j => j is not null && j.DivisionId.Length > 0).Select(j => (j.JudgeId, j.DivisionId))];
    }
}
