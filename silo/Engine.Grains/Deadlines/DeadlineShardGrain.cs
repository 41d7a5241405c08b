using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts.Grains;
using Engine.Contracts;
using Engine.Storage.Tickets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Deadlines;

/// <summary>
/// Wakes the tickets of one shard whose next step is due. The schedule is the tickets' own due column (written
/// with the ticket, so a step and its schedule cannot part); the shard keeps nothing but a timer, so 1M waiting
/// tickets cost an index, not memory. Each tick reads the due tickets earliest first and asks each to fire; the
/// ticket decides what is due and records it taken in the same write as the events, so waking a ticket twice
/// fires nothing twice (<see cref="WakingShard"/>).
/// </summary>
[Orleans.Placement.RandomPlacement] // decision 67: spread, not all on the newest silo
internal sealed partial class DeadlineShardGrain(
    ITicketStore store, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptionsMonitor<DeadlineOptions> options, WakeGate gate, ILogger<DeadlineShardGrain> logger)
    : WakingShard(time, options, gate), IDeadlineShardGrain
{
    protected override IReadOnlyList<(string Owner, DateTimeOffset DueAt)> ReadDue(DateTimeOffset? after, DateTimeOffset upTo, int limit) => store.Due(Shard, upTo, limit, after);

    protected override Task<int> FireAsync(string owner) => GrainFactory.GetGrain<ITicketGrain>(owner).FireDueAsync();

    protected override void WakeFailed(string owner, int failures, double seconds, Exception exception) => DeadlineShardLog.FireFailed(logger, owner, failures, seconds, exception);

    protected override void TickFailed(Exception exception) => DeadlineShardLog.TickFailed(logger, Shard, exception);
}

internal static partial class DeadlineShardLog
{
    [LoggerMessage(EventId = LogEventIds.DeadlineFireFailed, Level = LogLevel.Warning, Message = "Ticket {TicketId} could not fire its due deadline steps ({Failures} failures in a row); retrying in {Seconds} s")]
    public static partial void FireFailed(ILogger logger, string ticketId, int failures, double seconds, Exception exception);

    [LoggerMessage(EventId = LogEventIds.DeadlineShardFailed, Level = LogLevel.Warning, Message = "Deadline shard {Shard} could not read its due tickets; retrying")]
    public static partial void TickFailed(ILogger logger, int shard, Exception exception);
}
