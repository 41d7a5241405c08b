using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Contracts.Tickets;

/// <summary>
/// The ticket as an aggregate (DESIGN.md §3, States). Each command checks that the ticket's state allows it
/// (<see cref="TicketLifecycle"/>) and answers a <see cref="TicketTransition"/>: the next version (one version on, its
/// history entry appended, the clock stopped when the work ends) and the events the change caused; or it refuses with
/// the <see cref="EngineException"/> the caller is answered with. It does no I/O and reads no clock: the time is
/// given, and what needs the directory (a routing target, a platform queue, the recipients of a step) is looked up by
/// the caller first and passed in.
/// </summary>
public sealed partial class TicketAggregate(TicketRecord ticket, IDeadlineRules rules)
{
    /// <summary>The actor of what the engine does by itself.</summary>
    public const string Engine = "engine";

    public TicketRecord Ticket => ticket;

    public bool Allows(TicketCommand command) => TicketLifecycle.Allows(ticket.State, command);

    /// <summary>Refuses (FAILED_PRECONDITION) when the ticket's state does not allow <paramref name="command"/>.</summary>
    public void Require(TicketCommand command)
    {
        if (!Allows(command))
        {
            throw EngineException.Precondition(TicketLifecycle.Refusal(ticket.State, command));
        }
    }

    /// <summary>Staff answered at the platform (from a knowledge-base entry's version, which the history entry names);
    /// <see cref="Close"/> follows.</summary>
    public TicketTransition AnswerOnSpot(string staffId, string answer, DateTimeOffset now, KnowledgeCitation? citation = null) =>
        Apply(TicketCommand.AnswerOnSpot, staffId, "answered-on-spot", citation is null ? null : $"knowledge entry {citation.EntryId} version {citation.Version}", now, t => t with
        {
            State = TicketState.AnsweredOnSpot,
            Mode = TicketMode.AnsweredOnSpot,
            Reply = answer,
            RepliedBy = staffId,
            RepliedAt = now,
            Delivery = ReplyDeliveries.ForChannel(t.Channel),
            DeliveredAt = now,
        }, new TicketAnsweredOnSpot(staffId, answer, ReplyDeliveries.ForChannel(ticket.Channel), citation));

    /// <summary>The routing of a dispatch that staff aimed themselves.</summary>
    public static RoutingInfo DispatchedBy(string staffId) => new("staff-dispatch", $"dispatched by {staffId}");

    /// <param name="reason">Staff's reason; the routing's explanation when not given.</param>
    public TicketTransition Dispatch(string actor, Assignee target, RoutingInfo routing, string? reason, DateTimeOffset now)
    {
        var why = reason ?? routing.Detail;
        return Apply(TicketCommand.Dispatch, actor, "dispatched", why, now, t => t with
        {
            State = TicketState.Dispatched,
            Mode = TicketMode.Dispatched,
            Assignee = target,
            CourtId = target.CourtId ?? t.CourtId,
            Routing = routing,
            DelegatedFrom = null,
            Deadlines = HandOver(t, target, ClockCause.Dispatched, now),
        }, new TicketDispatched(actor, target, routing, why));
    }

    public TicketTransition Accept(string actor, DateTimeOffset now) =>
        Apply(TicketCommand.Accept, actor, "accepted", null, now, t => t with { State = TicketState.Accepted }, new TicketAccepted(actor));

    /// <param name="delivery">How the reply reaches the caller; Unspecified: the way the request came in
    /// (<see cref="ReplyDeliveries.ForChannel"/>).</param>
    /// <param name="deliveredAt">When it reached the caller; null: now.</param>
    public TicketTransition Reply(string actor, string reply, DateTimeOffset now, ReplyDelivery delivery = ReplyDelivery.Unspecified, DateTimeOffset? deliveredAt = null)
    {
        var how = delivery == ReplyDelivery.Unspecified ? ReplyDeliveries.ForChannel(ticket.Channel) : delivery;
        var when = deliveredAt ?? now;
        return Apply(TicketCommand.Reply, actor, "replied", null, now, t => t with
        {
            State = TicketState.Replied,
            Reply = reply,
            RepliedBy = actor,
            RepliedAt = now,
            Delivery = how,
            DeliveredAt = when,
        }, new TicketReplied(actor, reply, how, when));
    }

    /// <summary>A caller's on-the-spot rating, after an answer on the spot or a close: one per rater. The same rating
    /// again is a retry (null: nothing to write); another rating by the same rater is ALREADY_EXISTS. The person
    /// rated is the one who answered: a platform agent for an answer on the spot, else the handler who replied.</summary>
    public TicketTransition? Rate(string actor, RatingSource source, string rater, Satisfaction service, Satisfaction result, string? comment, string? windowId, DateTimeOffset now)
    {
        Require(TicketCommand.Rate);
        if (ticket.Kind == TicketKind.Callback)
        {
            throw EngineException.Precondition($"ticket {ticket.TicketId} is a callback: its caller's answers are recorded with RecordCallback");
        }

        var subject = ticket.RepliedBy is null ? RatedSubject.Unspecified
            : ticket.Mode == TicketMode.AnsweredOnSpot ? RatedSubject.PlatformAgent : RatedSubject.Staff;
        var rating = new RatingRecord(source, rater, service, result, comment, ticket.RepliedBy, subject, windowId, now, actor);
        if (ticket.Ratings.FirstOrDefault(r => r.Rater == rater) is { } earlier)
        {
            return earlier.SameAs(rating)
                ? null
                : throw new EngineException(EngineErrorKind.AlreadyExists, $"ticket {ticket.TicketId} has a rating by rater {(Phone.IsValid(rater) ? Phone.Mask(rater) : rater)} already");
        }

        return Apply(TicketCommand.Rate, actor, "rated", comment, now, t => t with { Ratings = t.Ratings.Add(rating) }, new TicketRated(actor, rating));
    }

    /// <summary>The filing division's decision on an online filing, once. On a ticket still with its handler it is
    /// the reply (the clock stops, ticket.replied follows); on one replied to or closed it is recorded alone.
    /// <see cref="FilingDecisionRecord.OnTime"/>: before the reply deadline of the ticket's clock.</summary>
    public TicketTransition RecordFilingDecision(string actor, FilingOutcome outcome, string? reason, string? caseNumber, DateTimeOffset now)
    {
        Require(TicketCommand.RecordFilingDecision);
        if (ticket.Kind != TicketKind.OnlineFiling)
        {
            throw EngineException.Precondition($"ticket {ticket.TicketId} is a {ticket.Kind} ticket, not an online filing");
        }

        if (ticket.FilingDecision is { } made)
        {
            throw EngineException.Precondition($"the filing division decided on ticket {ticket.TicketId} already ({made.Outcome}, {made.At:O})");
        }

        var onTime = ticket.Deadlines?.Clock is not { Problem: null } clock || now <= clock.ReplyDueAt;
        var decision = new FilingDecisionRecord(outcome, reason, caseNumber, actor, now, onTime);
        var decided = new TicketFilingDecided(actor, decision);
        if (!Allows(TicketCommand.Reply))
        {
            return Apply(TicketCommand.RecordFilingDecision, actor, "filing-decided", reason, now, t => t with { FilingDecision = decision }, decided);
        }

        var replied = Reply(actor, FilingReply(decision), now);
        var after = replied.After with { FilingDecision = decision };
        return new TicketTransition(ticket, after, [decided, .. replied.Events]);
    }

    /// <summary>The reply text of a decision (the filer reads it).</summary>
    public static string FilingReply(FilingDecisionRecord decision) => decision.Outcome switch
    {
        FilingOutcome.Registered => decision.CaseNumber is { } number ? $"已登记立案，案号 {number}。" : "已登记立案。",
        FilingOutcome.MaterialRequested => $"请补正材料：{decision.Reason}",
        _ => $"不予立案：{decision.Reason}",
    };

    /// <summary>To another handler, who gets a new clock (unless the policy keeps the running deadline).</summary>
    public TicketTransition Transfer(string actor, Assignee target, string reason, DateTimeOffset now)
    {
        Require(TicketCommand.Transfer);
        if (target == ticket.Assignee)
        {
            throw EngineException.Precondition($"the ticket is already with {target.Type} {target.Id}");
        }

        return Apply(TicketCommand.Transfer, actor, "transferred", reason, now, t => t with
        {
            State = TicketState.Dispatched,
            Assignee = target,
            CourtId = target.CourtId ?? t.CourtId,
            TransferCount = t.TransferCount + 1,
            DelegatedFrom = null,
            Deadlines = HandOver(t, target, ClockCause.Transferred, now),
        }, new TicketTransferred(actor, ticket.Assignee, target, reason));
    }

    /// <param name="platform">The queue of the ticket's court (the triage queue when it has none).</param>
    public TicketTransition ReturnToPlatform(string actor, Assignee platform, string reason, DateTimeOffset now) =>
        Apply(TicketCommand.ReturnToPlatform, actor, "returned", reason, now, t => t with
        {
            State = TicketState.Returned,
            Mode = TicketMode.Undecided,
            Assignee = platform,
            ReturnCount = t.ReturnCount + 1,
            DelegatedFrom = null,
        }, new TicketReturned(actor, ticket.Assignee, reason, ticket.Routing.Rule));

    public TicketTransition Close(string actor, string? note, DateTimeOffset now) =>
        Apply(TicketCommand.Close, actor, "closed", note, now, t => t with
        {
            State = TicketState.Closed,
            ClosedAt = now,
            CloseCount = t.CloseCount + 1,
        }, new TicketClosed(actor, note));

    /// <summary>Back to work, on a new clock.</summary>
    public TicketTransition Reopen(string actor, string reason, DateTimeOffset now) =>
        Apply(TicketCommand.Reopen, actor, "reopened", reason, now, t => t with
        {
            State = TicketState.Reopened,
            ReopenCount = t.ReopenCount + 1,
            Deadlines = rules.StartClock(t.Deadlines, t.CourtId, t.Kind, ClockCause.Reopened, now),
        }, new TicketReopened(actor, reason));

    public TicketTransition Cancel(string actor, string reason, DateTimeOffset now) =>
        Apply(TicketCommand.Cancel, actor, "cancelled", reason, now, t => t with { State = TicketState.Cancelled }, new TicketCancelled(actor, reason));

    /// <summary>Records what the caller said on a CALLBACK ticket, which closes it. What a dissatisfied answer leads
    /// to (the original reopened, or a supervision ticket) is the caller's to do.</summary>
    public TicketTransition RecordCallback(string actor, Satisfaction service, Satisfaction result, string? note, DateTimeOffset now)
    {
        if (ticket.Kind != TicketKind.Callback || ticket.CallbackOf is null)
        {
            throw EngineException.Precondition($"ticket {ticket.TicketId} is a {ticket.Kind} ticket, not a callback");
        }

        var outcome = new CallbackResult(service, result, note, actor, now);
        return Apply(TicketCommand.RecordCallback, actor, "callback-recorded", note, now, t => t with
        {
            State = TicketState.Closed,
            Callback = outcome,
            Reply = note,
            RepliedBy = actor,
            RepliedAt = now,
            ClosedAt = now,
            CloseCount = t.CloseCount + 1,
        }, new TicketCallbackRecorded(actor, outcome));
    }

    /// <summary>The route changed (a new presiding judge, a moved case, a leave): the ticket follows, keeping its state
    /// and clock. Null when the route still leads to the ticket's holder.</summary>
    /// <param name="reason">Why the route was asked again; the rule that decided is added to it.</param>
    public TicketTransition? Reroute(string actor, string reason, RoutedTarget routed, DateTimeOffset now)
    {
        Require(TicketCommand.Reroute);
        if (routed.Assignee == ticket.Assignee)
        {
            return null;
        }

        // A delegate stands in for a judge on leave: the ticket stays visible to the judge it was first with.
        var delegatedFrom = routed.StandsIn
            ? ticket.DelegatedFrom ?? (ticket.Assignee.Type == AssigneeType.Judge ? ticket.Assignee.Id : null)
            : null;
        var why = reason + " (" + routed.Routing.Rule + ")";
        return Apply(TicketCommand.Reroute, actor, "rerouted", why, now, t => t with
        {
            Assignee = routed.Assignee,
            CourtId = routed.Assignee.CourtId ?? t.CourtId,
            Routing = routed.Routing,
            DelegatedFrom = delegatedFrom,
        }, new TicketRerouted(actor, ticket.Assignee, routed.Assignee, why, routed.Routing));
    }

    /// <summary>A duplicate was stored merged into this ticket (in any state: intake found it open a moment ago). Null
    /// when it is listed already.</summary>
    public TicketTransition? MergeIn(string mergedTicketId, DateTimeOffset now) =>
        ticket.MergedTicketIds.Contains(mergedTicketId)
            ? null
            : Write(ticket with { MergedTicketIds = ticket.MergedTicketIds.Add(mergedTicketId) }, Engine, "merged-in", mergedTicketId, now, new TicketMergedIn(Engine, mergedTicketId));

    /// <summary>A ticket handed to <paramref name="to"/> gets a new clock, unless it stays with its holder or the policy
    /// keeps a running deadline.</summary>
    private TicketDeadlines? HandOver(TicketRecord t, Assignee to, ClockCause cause, DateTimeOffset now) =>
        to == t.Assignee || (rules.KeepDeadlineOnTransfer && t.Deadlines?.Clock is { StoppedAt: null })
            ? t.Deadlines
            : rules.StartClock(t.Deadlines, to.CourtId ?? t.CourtId, t.Kind, cause, now);

    private TicketTransition Apply(TicketCommand command, string actor, string action, string? reason, DateTimeOffset now, Func<TicketRecord, TicketRecord> change, TicketEvent happened)
    {
        Require(command);
        return Write(change(ticket), actor, action, reason, now, happened);
    }

    /// <summary>The next version with its history entry. Whatever ends the work (reply, answer, close, cancel, a
    /// recorded callback) stops the clock: nothing more fires, and the deadline stays on the record.</summary>
    private TicketTransition Write(TicketRecord changed, string actor, string action, string? reason, DateTimeOffset now, TicketEvent happened)
    {
        if (!TicketLifecycle.IsOpen(changed.State) && changed.Deadlines is { } running)
        {
            changed = changed with { Deadlines = running.Stop(now) };
        }

        var next = Next(changed, now, [new HistoryEntry(now, actor, action, ticket.State, changed.State, reason, changed.Assignee)]);
        return new TicketTransition(ticket, next, [happened]);
    }

    /// <summary>The record that follows this one: its change, one version on, with its history.</summary>
    private TicketRecord Next(TicketRecord changed, DateTimeOffset now, IEnumerable<HistoryEntry> entries) =>
        changed with { Version = ticket.Version + 1, UpdatedAt = now, History = ticket.History.AddRange(entries) };
}
