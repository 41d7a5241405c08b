using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Contracts.Tickets;

/// <summary>
/// Something that happened to a ticket, in the domain's words: what changed and who did it. The ticket after the
/// change is the transition's (<see cref="TicketTransition.After"/>); the event log's adapter encodes the two together
/// (engine.v1 events.proto, one message per event type).
/// </summary>
public abstract record TicketEvent(string Actor);

/// <summary>A new ticket (the transition's <see cref="TicketTransition.After"/>, version 1).</summary>
public sealed record TicketReceived(string Actor) : TicketEvent(Actor);

/// <summary>Where a new ticket went, and the rule that decided.</summary>
public sealed record TicketRouted(string Actor, Assignee Assignee, TicketMode Mode, RoutingInfo Routing) : TicketEvent(Actor);

/// <summary>A new ticket was a duplicate of an open one, and was stored merged into it.</summary>
public sealed record TicketMerged(string Actor, string MergedInto) : TicketEvent(Actor);

/// <summary>A CALLBACK ticket was made for a closed ticket.</summary>
public sealed record CallbackScheduled(string Actor, string CallbackOf) : TicketEvent(Actor);

/// <summary>Staff answered at the platform: how the answer reached the caller, and the knowledge-base entry version it
/// cites, if any.</summary>
public sealed record TicketAnsweredOnSpot(string Actor, string Answer, ReplyDelivery Delivery, KnowledgeCitation? Citation = null) : TicketEvent(Actor);

public sealed record TicketDispatched(string Actor, Assignee To, RoutingInfo Routing, string Reason) : TicketEvent(Actor);

public sealed record TicketAccepted(string Actor) : TicketEvent(Actor);

/// <summary>The reply, how it reaches the caller, and when.</summary>
public sealed record TicketReplied(string Actor, string Reply, ReplyDelivery Delivery, DateTimeOffset DeliveredAt) : TicketEvent(Actor);

/// <summary>A caller rated the ticket on the spot.</summary>
public sealed record TicketRated(string Actor, RatingRecord Rating) : TicketEvent(Actor);

/// <summary>The filing division decided on an online filing.</summary>
public sealed record TicketFilingDecided(string Actor, FilingDecisionRecord Decision) : TicketEvent(Actor);

public sealed record TicketTransferred(string Actor, Assignee From, Assignee To, string Reason) : TicketEvent(Actor);

/// <param name="RoutedByRule">The rule that had routed the ticket to the handler who returned it.</param>
public sealed record TicketReturned(string Actor, Assignee From, string Reason, string RoutedByRule) : TicketEvent(Actor);

public sealed record TicketRerouted(string Actor, Assignee From, Assignee To, string Reason, RoutingInfo Routing) : TicketEvent(Actor);

public sealed record TicketClosed(string Actor, string? Note) : TicketEvent(Actor);

public sealed record TicketReopened(string Actor, string Reason) : TicketEvent(Actor);

public sealed record TicketCancelled(string Actor, string Reason) : TicketEvent(Actor);

/// <summary>A duplicate was merged into this ticket.</summary>
public sealed record TicketMergedIn(string Actor, string MergedTicketId) : TicketEvent(Actor);

public sealed record TicketCallbackRecorded(string Actor, CallbackResult Outcome) : TicketEvent(Actor);

public sealed record TicketClockPaused(string Actor, string Reason) : TicketEvent(Actor);

/// <param name="ReplyDueAt">The reply deadline, moved on by the pause; null on a clock that has none (a
/// <see cref="DeadlineClock.Problem"/>).</param>
public sealed record TicketClockResumed(string Actor, DateTimeOffset? ReplyDueAt) : TicketEvent(Actor);

public sealed record TicketDeadlineExtended(string Actor, DeadlineExtension Extension) : TicketEvent(Actor);

/// <summary>The clock was counted again on the calendars of <paramref name="CalendarVersion"/>.</summary>
/// <param name="PreviousReplyDueAt">The reply deadline before (null when the clock had none).</param>
/// <param name="StepsMoved">Pending steps whose time changed.</param>
/// <param name="StillProvisional">Pending steps still counted across a year with no published calendar.</param>
public sealed record TicketDeadlineReplanned(string Actor, DateTimeOffset? PreviousReplyDueAt, long CalendarVersion, int StepsMoved, int StillProvisional)
    : TicketEvent(Actor);

/// <summary>A step of the deadline ladder fired, to its recipients; <paramref name="Handler"/> held the ticket.</summary>
public sealed record DeadlineStepFired(string Actor, TakenStep Step, Assignee Handler) : TicketEvent(Actor);
