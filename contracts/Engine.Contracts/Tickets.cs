using System.Collections.Immutable;
using Engine.Domain;

namespace Engine.Contracts;

[GenerateSerializer, Immutable]
public sealed record CallerInfo(string Name, string Phone, CallerRole Role);

[GenerateSerializer, Immutable]
public sealed record Assignee(AssigneeType Type, string Id, string? CourtId)
{
    public static Assignee Triage { get; } = new(AssigneeType.PlatformQueue, Domain.Routing.RoutingDecision.TriageQueueId, null);
}

/// <summary>A validated submission, as the gRPC edge hands it to intake.</summary>
[GenerateSerializer, Immutable]
public sealed record NewTicket(
    string IdempotencyKey,
    Channel Channel,
    TicketKind Kind,
    TicketSubKind SubKind,
    string? CourtId,
    string? CaseNumber,
    CallerInfo Caller,
    string Content,
    Priority Priority,
    ImmutableArray<string> Attachments);

[GenerateSerializer, Immutable]
public sealed record HistoryEntry(
    DateTimeOffset At,
    string Actor,
    string Action,
    TicketState FromState,
    TicketState ToState,
    string? Reason,
    Assignee? Assignee);

[GenerateSerializer, Immutable]
public sealed record RoutingInfo(string Rule, string Detail);

/// <summary>A ticket as stored: every change makes a new record with Version + 1 and a history entry.</summary>
[GenerateSerializer, Immutable]
public sealed record TicketRecord(
    string TicketId,
    long Version,
    string IdempotencyKey,
    Channel Channel,
    TicketKind Kind,
    TicketSubKind SubKind,
    string? CourtId,
    string? CaseNumber,
    CallerInfo Caller,
    string Content,
    Priority Priority,
    ImmutableArray<string> Attachments,
    TicketState State,
    TicketMode Mode,
    Assignee Assignee,
    RoutingInfo Routing,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Reply,
    ImmutableArray<HistoryEntry> History);

[GenerateSerializer, Immutable]
public sealed record SubmitResult(TicketRecord Ticket, bool Deduplicated);

/// <summary>A page query. At least one filter is set; AfterTicketId is the keyset cursor.</summary>
[GenerateSerializer, Immutable]
public sealed record TicketQuery(
    AssigneeType AssigneeType,
    string? AssigneeId,
    string? CourtId,
    string? CaseNumber,
    TicketState State,
    TicketKind Kind,
    int PageSize,
    string? AfterTicketId,
    bool OldestFirst);

[GenerateSerializer, Immutable]
public sealed record TicketPage(ImmutableArray<TicketRecord> Tickets, string? NextAfterTicketId);
