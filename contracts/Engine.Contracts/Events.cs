using System.Collections.Immutable;
using Engine.Domain;

namespace Engine.Contracts;

/// <summary>An event read from the log. <see cref="Payload"/> is a protobuf google.protobuf.Any.</summary>
[GenerateSerializer, Immutable]
public sealed record LoggedEvent(
    long Sequence,
    string AggregateId,
    long AggregateVersion,
    string Type,
    DateTimeOffset At,
    string Actor,
    string? CourtId,
    TicketKind Kind,
    byte[] Payload);

/// <summary>Which events a subscriber wants; an empty list matches everything. With <paramref name="MemberCount"/>
/// above zero, only the events of the aggregates that fall to member <paramref name="MemberIndex"/> of the group.</summary>
[GenerateSerializer, Immutable]
public sealed record EventFilter(ImmutableArray<string> Types, ImmutableArray<string> Courts, ImmutableArray<TicketKind> Kinds, int MemberIndex = 0, int MemberCount = 0)
{
    public static EventFilter All { get; } = new([], [], []);
}

/// <summary>A page of the log: the matching events, and how far the log was scanned (so that a filtered reader
/// does not scan the same non-matching events again). <paramref name="AccessRevision"/> is the revision of the key
/// table read in the same snapshot as the events: a stream whose key was still in force at that revision may send them,
/// since every one of them was written before any key change the revision does not include.</summary>
[GenerateSerializer, Immutable]
public sealed record EventBatch(ImmutableArray<LoggedEvent> Events, long ScannedUpTo, long AccessRevision);

/// <summary>The event types the log holds (engine.v1 events.proto lists their payloads).</summary>
public static class EventTypes
{
    public const string TicketReceived = "ticket.received";
    public const string TicketRouted = "ticket.routed";
    public const string TicketMerged = "ticket.merged";
    public const string CallbackScheduled = "callback.scheduled";
    public const string ClockPaused = "ticket.clock_paused";
    public const string ClockResumed = "ticket.clock_resumed";
    public const string DeadlineExtended = "ticket.deadline_extended";
    public const string DeadlineReplanned = "ticket.deadline_replanned";
    public const string CalendarYearSet = "calendar.year_set";
    public const string CaseLookupLocked = "case.lookup_locked";

    /// <summary>The event type of a deadline step that fired.</summary>
    public static string Step(Domain.Calendar.DeadlineStep step) => step switch
    {
        Domain.Calendar.DeadlineStep.Warning => "deadline.warning",
        Domain.Calendar.DeadlineStep.Urging => "deadline.urging",
        Domain.Calendar.DeadlineStep.Supervision => "deadline.supervision",
        _ => "deadline.special_supervision",
    };

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        TicketReceived, TicketRouted, TicketMerged, "ticket.answered_on_spot", "ticket.dispatched", "ticket.accepted",
        "ticket.replied", "ticket.transferred", "ticket.returned", "ticket.rerouted", "ticket.closed", "ticket.reopened",
        "ticket.cancelled", "ticket.merged_in", "ticket.callback_recorded", CallbackScheduled,
        ClockPaused, ClockResumed, DeadlineExtended, DeadlineReplanned,
        "deadline.warning", "deadline.urging", "deadline.supervision", "deadline.special_supervision",
        "case.upserted", "case.judge_assigned", "case.moved", "case.node_recorded", CaseLookupLocked,
        "directory.court_upserted", "directory.division_upserted", "directory.judge_upserted", "directory.judge_removed",
        "directory.availability_set", "directory.court_imported", "directory.routing_rules_set", CalendarYearSet,
    };
}
