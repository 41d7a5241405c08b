using Engine.Storage.Events;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Contracts.Tickets;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Engine.Grains.Routing;
using Engine.Grains.Tickets;
using Engine.Storage.Tickets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Engine.Grains.Intake;

/// <summary>
/// Intake: a retry returns the first ticket (a key used again with something else to say is refused: see
/// <see cref="SubmissionDigest"/>); a duplicate of an open ticket (same caller, case and kind) is stored
/// merged into it; otherwise the case and the court decide the route. The ticket is stored with its idempotency key
/// in one transaction, so two submissions racing with one key get one ticket: the table's key decides.
/// </summary>
// Reentrant: it holds no state between calls, so interleaving is safe; without it each worker would take one
// submission at a time and intake would be capped by commit latency (measured: ~1.5k/s at 64 in flight).
[StatelessWorker]
[Reentrant]
internal sealed class IntakeGrain(
    ITicketStore store, TicketIds ids, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<TicketPolicyOptions> policy, DeadlinePlanner deadlines, ILogger<IntakeGrain> logger)
    : Grain, IIntakeGrain
{
    // No look-up of the idempotency key first: the claim in the creating transaction decides (a retry is routed
    // again and its result dropped), which saves a database read on every first submission. Only a retry that
    // is refused now (say its court left the directory) looks for the ticket its first attempt made.
    public async Task<SubmitResult> SubmitAsync(NewTicket request)
    {
        try
        {
            return await SubmitOnceAsync(request);
        }
        catch (EngineException ex) when (ex.Kind != EngineErrorKind.AlreadyExists)
        {
            if (store.FindByIdempotencyKey(request.Channel, request.IdempotencyKey) is { } known)
            {
                return await ExistingAsync(known, request);
            }

            throw;
        }
    }

    private async Task<SubmitResult> SubmitOnceAsync(NewTicket request)
    {
        var now = time.GetUtcNow();
        if (await FindOpenDuplicateAsync(request, now) is { } open)
        {
            return await MergeAsync(request, open, now);
        }

        var (routed, facts) = await TicketRouting.RouteAsync(GrainFactory, request.Kind, request.SubKind, request.CourtId, request.CaseNumber);
        if (!routed.CourtKnown && facts is null && request.CourtId is not null)
        {
            throw EngineException.Invalid("court_id", $"court '{request.CourtId}' is not in the directory");
        }

        var received = TicketAggregate.Receive(ids.Next(), request, SubmissionDigest.Of(request), routed, facts?.CourtId ?? request.CourtId, now, ActorOf(request), deadlines);
        var ticket = received.After;

        // Stored here rather than through the ticket grain: the id is new, so no activation can hold it yet, and
        // a ticket then costs no activation (nor its memory) until someone acts on it.
        if (await store.CreateAsync(ticket, TicketEvents.Rows(received)) is { } holder)
        {
            if (routed.Assignee is { Type: AssigneeType.Judge, CourtId: { } court })
            {
                await GrainFactory.GetGrain<ICourtGrain>(court).ReleaseAsync(routed.Assignee.Id);
            }

            return await ExistingAsync(holder, request);
        }

        IntakeLog.Created(logger, ticket.TicketId, ticket.Kind, ticket.Channel, routed.Routing.Rule);
        return new SubmitResult(ticket, Deduplicated: false);
    }

    private static string ActorOf(NewTicket request) => "channel:" + request.Channel.ToString().ToLowerInvariant();

    private async Task<TicketRecord?> FindOpenDuplicateAsync(NewTicket request, DateTimeOffset now)
    {
        var window = policy.Value.MergeWindow;
        if (window <= TimeSpan.Zero || request.CaseNumber is null || string.IsNullOrEmpty(request.Caller.Phone))
        {
            return null;
        }

        var id = store.FindOpenDuplicate(request.CaseNumber, request.Kind, request.Caller.Phone, now - window);
        return id is null ? null : await GrainFactory.GetGrain<ITicketGrain>(id).GetAsync();
    }

    /// <summary>Stores the duplicate as its own record, merged (closed to work: no routing, no clock of its own),
    /// and makes it visible from the open ticket.</summary>
    private async Task<SubmitResult> MergeAsync(NewTicket request, TicketRecord open, DateTimeOffset now)
    {
        var merged = TicketAggregate.ReceiveMerged(ids.Next(), request, SubmissionDigest.Of(request), open, now, ActorOf(request));
        if (await store.CreateAsync(merged.After, TicketEvents.Rows(merged)) is { } holder)
        {
            return await ExistingAsync(holder, request);
        }

        await GrainFactory.GetGrain<ITicketGrain>(open.TicketId).AddMergedAsync(merged.After.TicketId);
        return new SubmitResult(merged.After, Deduplicated: false);
    }

    /// <summary>The ticket the key already made, for a retry; a submission that says something else with the key is
    /// refused, naming the key and the ticket, as payment services refuse an idempotency key reused with other
    /// parameters (it would otherwise be told "done" for content the engine never took).</summary>
    private async Task<SubmitResult> ExistingAsync(string ticketId, NewTicket request)
    {
        var existing = await GrainFactory.GetGrain<ITicketGrain>(ticketId).GetAsync()
            ?? throw new InvalidOperationException($"Idempotency key points at ticket {ticketId}, which is not stored.");
        if (!SubmissionDigest.Repeats(existing.SubmissionDigest, request))
        {
            throw new EngineException(
                EngineErrorKind.AlreadyExists,
                $"idempotency_key '{request.IdempotencyKey}' of channel {request.Channel} already made ticket {ticketId}, from a submission that said "
                + "something else; a retry must repeat the first submission exactly, and a new ticket needs a new key",
                "idempotency_key");
        }

        return new SubmitResult(existing, Deduplicated: true);
    }
}

internal static partial class IntakeLog
{
    [LoggerMessage(EventId = LogEventIds.TicketCreated, Level = LogLevel.Debug, Message = "Ticket {TicketId} received ({Kind} via {Channel}), routed by {Rule}")]
    public static partial void Created(ILogger logger, string ticketId, TicketKind kind, Channel channel, string rule);
}
