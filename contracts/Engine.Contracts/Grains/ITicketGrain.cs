using Engine.Domain;

namespace Engine.Contracts.Grains;

/// <summary>One ticket (work order), keyed by its engine-made id. Intake stores new tickets; this grain handles them.
/// Every command checks the lifecycle, records who, when and why, and answers once the change is on disk.</summary>
public interface ITicketGrain : IGrainWithStringKey
{
    /// <summary>The ticket, or null when no ticket has this id.</summary>
    Task<TicketRecord?> GetAsync();

    /// <summary>The platform answers at once: the ticket closes as answered on the spot.</summary>
    Task<TicketRecord> AnswerOnSpotAsync(string staffId, string answer, KnowledgeCitation? citation = null);

    /// <summary>Staff dispatch a ticket waiting at the platform: to <paramref name="target"/>, or by the routing rules.</summary>
    Task<TicketRecord> DispatchAsync(string staffId, Assignee? target, string? reason);

    /// <summary>The handler acknowledges the ticket.</summary>
    Task<TicketRecord> AcceptAsync(string actor);

    /// <summary>The handler's reply, how it reaches the caller (Unspecified: the way the request came in) and when
    /// (null: now).</summary>
    Task<TicketRecord> ReplyAsync(string actor, string reply, ReplyDelivery delivery = ReplyDelivery.Unspecified, DateTimeOffset? deliveredAt = null);

    /// <summary>A caller's on-the-spot rating (one per rater); a dissatisfied result acts as a dissatisfied callback.</summary>
    Task<TicketRecord> RateAsync(string actor, RatingSource source, string rater, Satisfaction service, Satisfaction result, string? comment, string? windowId);

    /// <summary>The filing division's decision on an online filing.</summary>
    Task<TicketRecord> RecordFilingDecisionAsync(string actor, FilingOutcome outcome, string? reason, string? caseNumber);

    /// <summary>Hands the ticket to another judge, division or office.</summary>
    Task<TicketRecord> TransferAsync(string actor, Assignee target, string reason);

    /// <summary>Mis-routed: back to the platform to be routed by staff; counted against the rule that routed it.</summary>
    Task<TicketRecord> ReturnToPlatformAsync(string actor, string reason);

    /// <summary>Closes a replied (or answered) ticket, and schedules its callback when sampled.</summary>
    Task<TicketRecord> CloseAsync(string actor, string? note);

    /// <summary>The caller was not satisfied: the ticket goes back to its handler.</summary>
    Task<TicketRecord> ReopenAsync(string actor, string reason);

    /// <summary>Withdrawn by the caller.</summary>
    Task<TicketRecord> CancelAsync(string actor, string reason);

    /// <summary>Routes an open ticket again by the rules (judge reassigned, case moved, leave began); answers
    /// whether it moved.</summary>
    Task<bool> RerouteAsync(string actor, string reason);

    /// <summary>Records that a duplicate was merged into this ticket.</summary>
    Task AddMergedAsync(string mergedTicketId);

    /// <summary>The ticket waits on the caller (e.g. to supply material): its clock stops until resumed.</summary>
    Task<TicketRecord> PauseClockAsync(string actor, string reason);

    /// <summary>The clock runs again; every pending step moves later by the time it stood.</summary>
    Task<TicketRecord> ResumeClockAsync(string actor, string? reason);

    /// <summary>An approved extension: the reply deadline moves to <paramref name="newReplyDeadline"/> (a new clock).</summary>
    Task<TicketRecord> ExtendDeadlineAsync(string actor, string approver, string reason, DateTimeOffset newReplyDeadline);

    /// <summary>Fires the deadline steps due now (the deadline shards call it); answers how many fired.</summary>
    [ResponseTimeout(WakeCall.ResponseTimeout)]
    Task<int> FireDueAsync();

    /// <summary>Counts the clock again on calendars of at least <paramref name="calendarVersion"/> (a calendar arrived
    /// or changed); answers whether the ticket was written (false: nothing to count again).</summary>
    Task<bool> ReplanAsync(long calendarVersion);

    /// <summary>On a CALLBACK ticket: what the caller said; a dissatisfied result acts on the original ticket.</summary>
    Task<TicketRecord> RecordCallbackAsync(string actor, Satisfaction service, Satisfaction result, string? note);
}
