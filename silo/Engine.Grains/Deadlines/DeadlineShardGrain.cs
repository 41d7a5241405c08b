using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
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
/// fires nothing twice.
/// </summary>
internal sealed partial class DeadlineShardGrain(
    ITicketStore store, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptionsMonitor<DeadlineOptions> options, ILogger<DeadlineShardGrain> logger)
    : Grain, IDeadlineShardGrain
{
    /// <summary>A tick drains a storm for at most this long before letting other work and the next tick in.</summary>
    private static readonly TimeSpan TickBudget = TimeSpan.FromSeconds(5);

    /// <summary>A ticket whose wake failed is put off this long the first time, twice as long each time after, up to
    /// <see cref="LongestBackoff"/>: a ticket whose silo was lost is tried again within a second or two of the loss being
    /// declared, and one that keeps failing is not retried a few times a second. The longest wait is what a step can
    /// lose after its database or silo comes back (a PostgreSQL restart fails every wake for its length), so it stays
    /// well under the 10 s promised after a loss.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(0.5);

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(4);

    /// <summary>A wake not answered in this long is given up (the call goes on; a later wake is harmless: the ticket
    /// records each step taken in the write that takes it). Without it one ticket whose silo froze held up every other
    /// ticket of the shard until the silo was declared dead.</summary>
    private static readonly TimeSpan WakeTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, PutOff> _putOff = new(StringComparer.Ordinal);
    private IGrainTimer? _timer;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public Task EnsureRunningAsync()
    {
        // KeepAlive: the ticks keep the shard activated; only a silo's end (or its death) stops it.
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.CurrentValue.PollInterval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task RetryPutOffAsync()
    {
        // Failures keep their count (a ticket that fails again is put off longer), only the wait ends now.
        foreach (var (ticketId, putOff) in _putOff.ToList())
        {
            _putOff[ticketId] = putOff with { Until = DateTimeOffset.MinValue };
        }

        return EnsureRunningAsync();
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        // Up to FireBatchSize wakes are in flight at once, and each one that ends makes room for the next: a slow
        // ticket (its silo frozen, its activation loading) holds up only its own slot, not a whole batch. The due rows
        // are read again, earliest first, when half the slots are free. Every continuation runs on this activation,
        // one at a time, so the counts and sets need no lock.
        var budget = Stopwatch.StartNew();
        var slots = Math.Max(1, options.CurrentValue.FireBatchSize);
        var waking = new HashSet<string>(StringComparer.Ordinal);
        var freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mayBeMore = true;
        try
        {
            while (true)
            {
                if (mayBeMore && waking.Count <= slots / 2 && budget.Elapsed <= TickBudget && !cancellationToken.IsCancellationRequested)
                {
                    var now = time.GetUtcNow();
                    ForgetExpiredSkips(now);
                    var limit = slots + _putOff.Count + waking.Count;
                    var due = store.Due(Shard, now, limit);
                    mayBeMore = due.Count == limit;
                    foreach (var (ticketId, _) in due)
                    {
                        if (waking.Count >= slots)
                        {
                            break;
                        }

                        if (!waking.Contains(ticketId) && !(_putOff.TryGetValue(ticketId, out var putOff) && putOff.Until > now))
                        {
                            waking.Add(ticketId);
                            _ = WakeInSlotAsync(ticketId, now);
                        }
                    }
                }

                if (waking.Count == 0)
                {
                    if (mayBeMore && budget.Elapsed <= TickBudget && !cancellationToken.IsCancellationRequested)
                    {
                        continue;
                    }

                    return;
                }

                await freed.Task;
                freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be busy or the silo stopping: the rows stay, the next tick tries again (the wakes in
            // flight end on their own, within WakeTimeout).
            DeadlineShardLog.TickFailed(logger, Shard, ex);
        }

        async Task WakeInSlotAsync(string ticketId, DateTimeOffset now)
        {
            try
            {
                await WakeAsync(ticketId, now);
            }
            finally
            {
                waking.Remove(ticketId);
                freed.TrySetResult();
            }
        }
    }

    private async Task WakeAsync(string ticketId, DateTimeOffset now)
    {
        try
        {
            if (await GrainFactory.GetGrain<ITicketGrain>(ticketId).FireDueAsync().WaitAsync(WakeTimeout) == 0)
            {
                // Its row said due but the ticket had nothing to fire: a write of it is in flight (the row will
                // change with it). Look again shortly rather than at once.
                _putOff[ticketId] = new PutOff(now + TimeSpan.FromSeconds(1), Failures: 0);
            }
            else
            {
                _putOff.Remove(ticketId);
            }
        }
        catch (Exception ex)
        {
            var failures = _putOff.TryGetValue(ticketId, out var before) ? before.Failures + 1 : 1;
            var wait = TimeSpan.FromTicks(Math.Min(LongestBackoff.Ticks, FirstBackoff.Ticks << Math.Min(failures - 1, 8)));
            _putOff[ticketId] = new PutOff(now + wait, failures);
            if ((failures & (failures - 1)) == 0)
            {
                // The 1st, 2nd, 4th, 8th… failure in a row: a ticket that keeps failing is not logged every few seconds.
                DeadlineShardLog.FireFailed(logger, ticketId, failures, wait.TotalSeconds, ex);
            }
        }
    }

    private void ForgetExpiredSkips(DateTimeOffset now)
    {
        foreach (var (ticketId, putOff) in _putOff.ToList())
        {
            // A failed ticket's count is kept a while after its wait (failing again soon, it waits longer); a ticket
            // no longer due (fired or closed elsewhere) is forgotten then too.
            if (putOff.Until + (putOff.Failures == 0 ? TimeSpan.Zero : LongestBackoff) <= now)
            {
                _putOff.Remove(ticketId);
            }
        }
    }

    /// <summary>A ticket not to wake before <paramref name="Until"/>, after <paramref name="Failures"/> failed wakes in
    /// a row (0: it had nothing due yet).</summary>
    private readonly record struct PutOff(DateTimeOffset Until, int Failures);
}

internal static partial class DeadlineShardLog
{
    [LoggerMessage(EventId = LogEventIds.DeadlineFireFailed, Level = LogLevel.Warning, Message = "Ticket {TicketId} could not fire its due deadline steps ({Failures} failures in a row); retrying in {Seconds} s")]
    public static partial void FireFailed(ILogger logger, string ticketId, int failures, double seconds, Exception exception);

    [LoggerMessage(EventId = LogEventIds.DeadlineShardFailed, Level = LogLevel.Warning, Message = "Deadline shard {Shard} could not read its due tickets; retrying")]
    public static partial void TickFailed(ILogger logger, int shard, Exception exception);
}
