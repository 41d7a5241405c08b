using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Contracts.Tickets;

/// <summary>New tickets: a submission as routed, a duplicate merged into an open ticket, and the tickets the engine
/// owes (a callback after a close, a supervision ticket after a dissatisfied callback).</summary>
public sealed partial class TicketAggregate
{
    /// <summary>A submission as routed: dispatched when the route says so, else waiting at a platform queue; its
    /// clock starts now.</summary>
    /// <param name="courtId">The court the ticket belongs to when the routing target names none.</param>
    /// <param name="digest">What the submission said (intake's digest of it), for telling a retry from a reused key.</param>
    public static TicketTransition Receive(string ticketId, NewTicket request, string digest, RoutedTarget routed, string? courtId, DateTimeOffset now, string actor, IDeadlineRules rules)
    {
        var ticket = Record(ticketId, request, digest, routed, courtId, now, actor);
        return Created(ticket with { Deadlines = rules.StartClock(null, ticket.CourtId, ticket.Kind, ClockCause.Received, now) }, actor);
    }

    /// <summary>A duplicate of <paramref name="open"/> (same caller, case and kind), stored as its own record merged into
    /// it: closed to work, with no routing or clock of its own.</summary>
    public static TicketTransition ReceiveMerged(string ticketId, NewTicket request, string digest, TicketRecord open, DateTimeOffset now, string actor)
    {
        var reason = $"the same caller has ticket {open.TicketId} open on this case and kind";
        var merged = Record(ticketId, request, digest, new RoutedTarget(true, open.Assignee, open.Mode, new RoutingInfo("merged", reason)), open.CourtId, now, actor) with
        {
            State = TicketState.Merged,
            MergedInto = open.TicketId,
        };
        return Created(merged with
        {
            History = [merged.History[0], new HistoryEntry(now, Engine, "merged", TicketState.Received, TicketState.Merged, reason, open.Assignee)],
        }, actor);
    }

    /// <summary>What the engine submits for a ticket it owes because of <paramref name="about"/>. Its idempotency key
    /// is derived from that ticket and its close count, so that making it twice makes it once.</summary>
    /// <param name="purpose">"callback" or "supervision".</param>
    public static NewTicket FollowUpRequest(TicketRecord about, string purpose, TicketKind kind, TicketSubKind subKind, string content) =>
        new($"{purpose}:{about.TicketId}:{about.CloseCount}", about.Channel, kind, subKind, about.CourtId, about.CaseNumber, about.Caller, content, Priority.Normal, []);

    /// <summary>The owed ticket of <paramref name="request"/> (<see cref="FollowUpRequest"/>) as routed. A callback is
    /// about <paramref name="about"/>; a supervision ticket about what <paramref name="about"/> called back.</summary>
    public static TicketTransition FollowUp(string ticketId, TicketRecord about, NewTicket request, string digest, RoutedTarget routed, DateTimeOffset now, IDeadlineRules rules)
    {
        var owed = Record(ticketId, request, digest, routed, about.CourtId, now, Engine) with
        {
            CallbackOf = request.Kind == TicketKind.Callback ? about.TicketId : about.CallbackOf,
        };
        return Created(owed with { Deadlines = rules.StartClock(null, owed.CourtId, owed.Kind, ClockCause.Received, now) }, Engine);
    }

    /// <summary>A new ticket as given, with its events: received (by <paramref name="actor"/>), then routed (or merged),
    /// and for a callback, scheduled.</summary>
    public static TicketTransition Created(TicketRecord ticket, string actor)
    {
        TicketEvent second = ticket.MergedInto is { } into
            ? new TicketMerged(Engine, into)
            : new TicketRouted(Engine, ticket.Assignee, ticket.Mode, ticket.Routing);
        return ticket.Kind == TicketKind.Callback && ticket.CallbackOf is { } of
            ? new TicketTransition(null, ticket, [new TicketReceived(actor), second, new CallbackScheduled(Engine, of)])
            : new TicketTransition(null, ticket, [new TicketReceived(actor), second]);
    }

    private static TicketRecord Record(string ticketId, NewTicket request, string digest, RoutedTarget routed, string? courtId, DateTimeOffset now, string actor)
    {
        var state = routed.Mode == TicketMode.Dispatched ? TicketState.Dispatched : TicketState.Received;
        return new TicketRecord
        {
            TicketId = ticketId,
            Version = 1,
            IdempotencyKey = request.IdempotencyKey,
            SubmissionDigest = digest,
            Channel = request.Channel,
            Kind = request.Kind,
            SubKind = request.SubKind,
            CourtId = routed.Assignee.CourtId ?? courtId,
            CaseNumber = request.CaseNumber,
            Caller = request.Caller,
            Content = request.Content,
            Priority = request.Priority,
            Attachments = request.Attachments,
            State = state,
            Mode = routed.Mode,
            Assignee = routed.Assignee,
            Routing = routed.Routing,
            CreatedAt = now,
            UpdatedAt = now,
            History =
            [
                new HistoryEntry(now, actor, "received", TicketState.Unspecified, TicketState.Received, null, null),
                new HistoryEntry(now, Engine, state == TicketState.Dispatched ? "dispatched" : "queued", TicketState.Received, state, routed.Routing.Rule + ": " + routed.Routing.Detail, routed.Assignee),
            ],
        };
    }
}
