using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Routing;
using Engine.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Engine.Grains.Grains;

/// <summary>
/// Intake: a retry returns the first ticket; otherwise the case (followed through its moves) and the court decide
/// the route, and the ticket is stored with its idempotency key in one transaction. Two submissions racing with the
/// same key both get the same ticket: the table's key decides, not this grain.
/// </summary>
// Reentrant: it holds no state between calls, so interleaving is safe; without it each worker would take one
// submission at a time and intake would be capped by commit latency (measured: ~1.5k/s at 64 in flight).
[StatelessWorker]
[Reentrant]
internal sealed class IntakeGrain(ITicketStore store, TicketIds ids, TimeProvider time, ILogger<IntakeGrain> logger) : Grain, IIntakeGrain
{
    private const int MaxCaseMoves = 8;

    public async Task<SubmitResult> SubmitAsync(NewTicket request)
    {
        if (await store.FindByIdempotencyKeyAsync(request.Channel, request.IdempotencyKey) is { } known)
        {
            return await ExistingAsync(known);
        }

        var facts = request.CaseNumber is null ? null : await FollowCaseAsync(request.CaseNumber);
        var courtId = facts?.CourtId ?? request.CourtId;
        var routed = courtId is null
            ? new RoutedTarget(false, Assignee.Triage, TicketMode.Undecided, TriageInfo)
            : await GrainFactory.GetGrain<ICourtGrain>(courtId).RouteAsync(new RoutingRequest(request.Kind, request.SubKind, courtId, facts));
        if (!routed.CourtKnown && facts is null && request.CourtId is not null)
        {
            throw EngineException.Invalid("court_id", $"court '{request.CourtId}' is not in the directory");
        }

        var now = time.GetUtcNow();
        var state = routed.Mode == TicketMode.Dispatched ? TicketState.Dispatched : TicketState.Received;
        var ticket = new TicketRecord(
            ids.Next(), 1, request.IdempotencyKey, request.Channel, request.Kind, request.SubKind,
            routed.Assignee.CourtId ?? courtId, request.CaseNumber, request.Caller, request.Content, request.Priority,
            request.Attachments, state, routed.Mode, routed.Assignee, routed.Routing, now, now, null,
            [
                new HistoryEntry(now, ActorOf(request), "received", TicketState.Unspecified, TicketState.Received, null, null),
                new HistoryEntry(now, "engine", state == TicketState.Dispatched ? "dispatched" : "queued", TicketState.Received, state, routed.Routing.Rule + ": " + routed.Routing.Detail, routed.Assignee),
            ]);

        // Stored here rather than through the ticket grain: the id is new, so no activation can hold it yet, and
        // a ticket then costs no activation (nor its memory) until someone acts on it.
        if (await store.CreateAsync(ticket) is { } holder)
        {
            if (routed.Assignee is { Type: AssigneeType.Judge, CourtId: { } court })
            {
                await GrainFactory.GetGrain<ICourtGrain>(court).ReleaseAsync(routed.Assignee.Id);
            }

            return await ExistingAsync(holder);
        }

        IntakeLog.Created(logger, ticket.TicketId, ticket.Kind, ticket.Channel, routed.Routing.Rule);
        return new SubmitResult(ticket, Deduplicated: false);
    }

    private static readonly RoutingInfo TriageInfo = new(
        RoutingExplanation.RuleName(RoutingDecision.Triage), RoutingExplanation.Describe(RoutingDecision.Triage));

    private static string ActorOf(NewTicket request) => "channel:" + request.Channel.ToString().ToLowerInvariant();

    private async Task<SubmitResult> ExistingAsync(string ticketId)
    {
        var existing = await GrainFactory.GetGrain<ITicketGrain>(ticketId).GetAsync()
            ?? throw new InvalidOperationException($"Idempotency key points at ticket {ticketId}, which is not stored.");
        return new SubmitResult(existing, Deduplicated: true);
    }

    /// <summary>The case's facts at its current court: a moved case is followed, hop by hop, to where it is now.</summary>
    private async Task<CaseFacts?> FollowCaseAsync(string caseNumber)
    {
        var facts = await GrainFactory.GetGrain<ICaseGrain>(caseNumber).GetRoutingFactsAsync();
        if (facts is null)
        {
            return null;
        }

        var moved = false;
        for (var hop = 0; hop < MaxCaseMoves && facts.MovedToCourtId is { } toCourt; hop++)
        {
            moved = true;
            var next = facts.MovedToCaseNumber is { } toCase
                ? await GrainFactory.GetGrain<ICaseGrain>(toCase).GetRoutingFactsAsync()
                : null;
            if (next is null)
            {
                // Moved, but the new court has not registered the case yet: its court decides, with no judge known.
                return new CaseFacts(toCourt, null, null, Moved: true);
            }

            facts = next;
        }

        return new CaseFacts(facts.CourtId, facts.DivisionId, facts.PresidingJudgeId, moved);
    }
}

internal static partial class IntakeLog
{
    [LoggerMessage(EventId = EventIds.TicketCreated, Level = LogLevel.Debug, Message = "Ticket {TicketId} received ({Kind} via {Channel}), routed by {Rule}")]
    public static partial void Created(ILogger logger, string ticketId, TicketKind kind, Channel channel, string rule);
}
