using Engine.Domain.Calendar;

namespace Engine.Contracts;

/// <summary>
/// Every event type the log holds, for the whole engine: the grains and stores that append events, the statistics that
/// count them, the supervision page and the gRPC edge that filter them all name a type through this class, never by a
/// string of their own. engine.v1 events.proto lists each type's payload. A type, once written to a log, is never
/// renamed: subscribers filter on it.
/// </summary>
public static class EventTypes
{
    // A ticket's own events (aggregate: the ticket id).
    public const string TicketReceived = "ticket.received";
    public const string TicketRouted = "ticket.routed";
    public const string TicketMerged = "ticket.merged";
    public const string TicketAnsweredOnSpot = "ticket.answered_on_spot";
    public const string TicketDispatched = "ticket.dispatched";
    public const string TicketAccepted = "ticket.accepted";
    public const string TicketReplied = "ticket.replied";
    public const string TicketTransferred = "ticket.transferred";
    public const string TicketReturned = "ticket.returned";
    public const string TicketRerouted = "ticket.rerouted";
    public const string TicketClosed = "ticket.closed";
    public const string TicketReopened = "ticket.reopened";
    public const string TicketCancelled = "ticket.cancelled";
    public const string TicketMergedIn = "ticket.merged_in";
    public const string TicketCallbackRecorded = "ticket.callback_recorded";
    public const string TicketRated = "ticket.rated";
    public const string TicketFilingDecided = "ticket.filing_decided";
    public const string CallbackScheduled = "callback.scheduled";
    public const string ClockPaused = "ticket.clock_paused";
    public const string ClockResumed = "ticket.clock_resumed";
    public const string DeadlineExtended = "ticket.deadline_extended";
    public const string DeadlineReplanned = "ticket.deadline_replanned";

    // Deadline steps that fired (aggregate: the ticket id); see Step.
    public const string DeadlineWarning = "deadline.warning";
    public const string DeadlineUrging = "deadline.urging";
    public const string DeadlineSupervision = "deadline.supervision";
    public const string DeadlineSpecialSupervision = "deadline.special_supervision";

    // Cases (aggregate: the case number; look-up lockouts: "lookup/" and the case number).
    public const string CaseUpserted = "case.upserted";
    public const string CaseJudgeAssigned = "case.judge_assigned";
    public const string CaseMoved = "case.moved";
    public const string CaseNodeRecorded = "case.node_recorded";
    public const string CaseLookupLocked = "case.lookup_locked";

    /// <summary>To one party of a related case (aggregate: the case that changed; court: the related case's).</summary>
    public const string CaseRelatedNotice = "case.related_notice";

    /// <summary>To one party or agent of a case before a hearing, once per party per hearing and time (aggregate: the
    /// case; docs/decisions.md, 62).</summary>
    public const string CaseHearingReminder = "case.hearing_reminder";

    /// <summary>A one-time code for a caller's own tickets, for the SMS sender (aggregate: "lookup-code/" and a random
    /// id, never the phone; court: the one the caller named, if any).</summary>
    public const string CallerCodeIssued = "caller.code_issued";

    // The court directory (aggregate: the court id).
    public const string DirectoryCourtUpserted = "directory.court_upserted";
    public const string DirectoryDivisionUpserted = "directory.division_upserted";
    public const string DirectoryJudgeUpserted = "directory.judge_upserted";
    public const string DirectoryJudgeRemoved = "directory.judge_removed";
    public const string DirectoryAvailabilitySet = "directory.availability_set";
    public const string DirectoryCourtImported = "directory.court_imported";
    public const string DirectoryRoutingRulesSet = "directory.routing_rules_set";

    // A person's own timers (aggregate: "judge/" and the judge id; court: the person's).
    public const string JudgeDigest = "judge.digest";
    public const string JudgeLeaveStarted = "judge.leave_started";
    public const string JudgeLeaveEnded = "judge.leave_ended";

    // Working calendars (aggregate: "calendar/" and the year).
    public const string CalendarYearSet = "calendar.year_set";

    // The knowledge base (aggregate: "knowledge/" and the entry id; court: the entry's, none for every court).
    public const string KnowledgeEntryCreated = "knowledge.entry_created";
    public const string KnowledgeEntryUpdated = "knowledge.entry_updated";
    public const string KnowledgeEntryRetired = "knowledge.entry_retired";

    // The prefixes that group the types.
    public const string TicketPrefix = "ticket.";
    public const string DeadlinePrefix = "deadline.";
    public const string CallbackPrefix = "callback.";
    public const string DirectoryPrefix = "directory.";

    /// <summary>The event type of a deadline step that fired.</summary>
    public static string Step(DeadlineStep step) => step switch
    {
        DeadlineStep.Warning => DeadlineWarning,
        DeadlineStep.Urging => DeadlineUrging,
        DeadlineStep.Supervision => DeadlineSupervision,
        _ => DeadlineSpecialSupervision,
    };

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        TicketReceived, TicketRouted, TicketMerged, TicketAnsweredOnSpot, TicketDispatched, TicketAccepted,
        TicketReplied, TicketTransferred, TicketReturned, TicketRerouted, TicketClosed, TicketReopened,
        TicketCancelled, TicketMergedIn, TicketCallbackRecorded, TicketRated, TicketFilingDecided, CallbackScheduled,
        ClockPaused, ClockResumed, DeadlineExtended, DeadlineReplanned,
        DeadlineWarning, DeadlineUrging, DeadlineSupervision, DeadlineSpecialSupervision,
        CaseUpserted, CaseJudgeAssigned, CaseMoved, CaseNodeRecorded, CaseLookupLocked, CaseRelatedNotice, CaseHearingReminder, CallerCodeIssued,
        DirectoryCourtUpserted, DirectoryDivisionUpserted, DirectoryJudgeUpserted, DirectoryJudgeRemoved,
        DirectoryAvailabilitySet, DirectoryCourtImported, DirectoryRoutingRulesSet, CalendarYearSet,
        KnowledgeEntryCreated, KnowledgeEntryUpdated, KnowledgeEntryRetired,
        JudgeDigest, JudgeLeaveStarted, JudgeLeaveEnded,
    };
}
