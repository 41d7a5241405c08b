using System.Collections.Immutable;
using System.Text;
using Engine.Domain;

namespace Engine.Contracts;

[GenerateSerializer, Immutable]
public sealed record CallerInfo(string Name, string Phone, CallerRole Role)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"Role = {Role}");
}

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
    ImmutableArray<string> Attachments)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"IdempotencyKey = {IdempotencyKey}, Channel = {Channel}, Kind = {Kind}, CourtId = {CourtId}, CaseNumber = {CaseNumber}");
}

[GenerateSerializer, Immutable]
public sealed record HistoryEntry(
    DateTimeOffset At,
    string Actor,
    string Action,
    TicketState FromState,
    TicketState ToState,
    string? Reason,
    Assignee? Assignee)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"At = {At:O}, Actor = {Actor}, Action = {Action}, ToState = {ToState}");
}

[GenerateSerializer, Immutable]
public sealed record RoutingInfo(string Rule, string Detail);

/// <summary>A ticket as stored: every change makes a new record with Version + 1 and a history entry.
/// Field ids are forever: add new ones at the end, never renumber.</summary>
[GenerateSerializer, Immutable]
public sealed record TicketRecord
{
    [Id(0)] public required string TicketId { get; init; }

    [Id(1)] public required long Version { get; init; }

    [Id(2)] public required string IdempotencyKey { get; init; }

    [Id(3)] public required Channel Channel { get; init; }

    [Id(4)] public required TicketKind Kind { get; init; }

    [Id(5)] public TicketSubKind SubKind { get; init; }

    [Id(6)] public string? CourtId { get; init; }

    [Id(7)] public string? CaseNumber { get; init; }

    [Id(8)] public required CallerInfo Caller { get; init; }

    [Id(9)] public required string Content { get; init; }

    [Id(10)] public Priority Priority { get; init; } = Priority.Normal;

    [Id(11)] public ImmutableArray<string> Attachments { get; init; } = [];

    [Id(12)] public required TicketState State { get; init; }

    [Id(13)] public TicketMode Mode { get; init; }

    [Id(14)] public required Assignee Assignee { get; init; }

    [Id(15)] public required RoutingInfo Routing { get; init; }

    [Id(16)] public required DateTimeOffset CreatedAt { get; init; }

    [Id(17)] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The handler's reply, or the staff's answer given on the spot.</summary>
    [Id(18)] public string? Reply { get; init; }

    [Id(19)] public ImmutableArray<HistoryEntry> History { get; init; } = [];

    [Id(20)] public string? RepliedBy { get; init; }

    [Id(21)] public DateTimeOffset? RepliedAt { get; init; }

    [Id(22)] public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Set on a duplicate: the open ticket it was merged into.</summary>
    [Id(23)] public string? MergedInto { get; init; }

    /// <summary>Duplicates merged into this ticket.</summary>
    [Id(24)] public ImmutableArray<string> MergedTicketIds { get; init; } = [];

    /// <summary>On a CALLBACK ticket: the closed ticket it calls back about.</summary>
    [Id(25)] public string? CallbackOf { get; init; }

    [Id(26)] public int TransferCount { get; init; }

    [Id(27)] public int ReturnCount { get; init; }

    [Id(28)] public int ReopenCount { get; init; }

    [Id(29)] public int CloseCount { get; init; }

    /// <summary>The judge whose ticket this is while it is with their delegate, so it stays visible to them.</summary>
    [Id(30)] public string? DelegatedFrom { get; init; }

    /// <summary>On a CALLBACK ticket, once recorded: what the caller said.</summary>
    [Id(31)] public CallbackResult? Callback { get; init; }

    /// <summary>The reply clock, the steps taken and the extensions; null on a ticket that never had a clock
    /// (merged duplicates).</summary>
    [Id(32)] public Domain.Calendar.TicketDeadlines? Deadlines { get; init; }

    /// <summary>What the submission that made this ticket said, as a digest of the fields its caller controls: a
    /// second submission with the same idempotency key is a retry only if it says the same. Null on tickets made
    /// before it was kept.</summary>
    [Id(33)] public string? SubmissionDigest { get; init; }

    // Ids 34 to 39 are left to other work of the same release; 40 on are issue 24's (closing the loop).

    /// <summary>How the reply or the answer on the spot reached the caller (Unspecified on tickets replied before it was
    /// kept), and when.</summary>
    [Id(40)] public ReplyDelivery Delivery { get; init; }

    [Id(41)] public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>On-the-spot ratings, one per rater.</summary>
    [Id(42)] public ImmutableArray<RatingRecord> Ratings { get; init; } = [];

    /// <summary>On an ONLINE_FILING ticket, once decided: the filing division's decision.</summary>
    [Id(43)] public FilingDecisionRecord? FilingDecision { get; init; }

    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"TicketId = {TicketId}, Version = {Version}, Kind = {Kind}, State = {State}, Assignee = {Assignee}");
}

[GenerateSerializer, Immutable]
public sealed record CallbackResult(Satisfaction Service, Satisfaction Result, string? Note, string Actor, DateTimeOffset At)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"Service = {Service}, Result = {Result}, Actor = {Actor}");
}

/// <summary>A caller's on-the-spot rating. <paramref name="Rater"/> may be a phone (an IVR session): never printed.</summary>
[GenerateSerializer, Immutable]
public sealed record RatingRecord(
    RatingSource Source, string Rater, Satisfaction Service, Satisfaction Result, string? Comment, string? StaffId, RatedSubject StaffSubject,
    string? WindowId, DateTimeOffset At, string Actor)
{
    /// <summary>Same rater, same answers: a retry of the same rating.</summary>
    public bool SameAs(RatingRecord other) =>
        Source == other.Source && Rater == other.Rater && Service == other.Service && Result == other.Result
        && Comment == other.Comment && WindowId == other.WindowId;

    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"Source = {Source}, Service = {Service}, Result = {Result}, At = {At:O}");
}

/// <summary>The filing division's decision on an online filing; <paramref name="OnTime"/>: made before the reply
/// deadline of the ticket's clock.</summary>
[GenerateSerializer, Immutable]
public sealed record FilingDecisionRecord(FilingOutcome Outcome, string? Reason, string? CaseNumber, string Actor, DateTimeOffset At, bool OnTime);

[GenerateSerializer, Immutable]
public sealed record SubmitResult(TicketRecord Ticket, bool Deduplicated);

/// <summary>A page query. At least one filter is set; AfterTicketId is the keyset cursor. An assignee filter on a
/// judge also finds the tickets delegated away from them during a leave, unless <c>HeldOnly</c> asks for the tickets
/// the judge holds alone.</summary>
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
    bool OldestFirst,
    bool OpenOnly = false,
    bool HeldOnly = false);

[GenerateSerializer, Immutable]
public sealed record TicketPage(ImmutableArray<TicketRecord> Tickets, string? NextAfterTicketId);
