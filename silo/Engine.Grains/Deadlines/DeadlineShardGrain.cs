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
    /// declared, and one that keeps failing is not retried (and logged) a few times a second.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(10);

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
        var budget = Stopwatch.StartNew();
        var batch = Math.Max(1, options.CurrentValue.FireBatchSize);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var due = store.Due(Shard, now, batch + _putOff.Count);
                ForgetExpiredSkips(now);
                var wake = due.Where(d => !(_putOff.TryGetValue(d.TicketId, out var putOff) && putOff.Until > now)).Take(batch).ToList();
                if (wake.Count == 0)
                {
                    return;
                }

                await Task.WhenAll(wake.Select(d => WakeAsync(d.TicketId, now)));
                if (wake.Count < batch || budget.Elapsed > TickBudget)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be busy or the silo stopping: the rows stay, the next tick tries again.
            DeadlineShardLog.TickFailed(logger, Shard, ex);
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
            DeadlineShardLog.FireFailed(logger, ticketId, wait.TotalSeconds, ex);
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
    [LoggerMessage(EventId = LogEventIds.DeadlineFireFailed, Level = LogLevel.Warning, Message = "Ticket {TicketId} could not fire its due deadline steps; retrying in {Seconds} s")]
    public static partial void FireFailed(ILogger logger, string ticketId, double seconds, Exception exception);

    [LoggerMessage(EventId = LogEventIds.DeadlineShardFailed, Level = LogLevel.Warning, Message = "Deadline shard {Shard} could not read its due tickets; retrying")]
    public static partial void TickFailed(ILogger logger, int shard, Exception exception);
}
