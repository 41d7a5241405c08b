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

    /// <summary>A ticket that failed to fire (or had nothing due although its row said so) is skipped this long.</summary>
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, DateTimeOffset> _skipUntil = new(StringComparer.Ordinal);
    private IGrainTimer? _timer;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public Task EnsureRunningAsync()
    {
        // KeepAlive: the ticks keep the shard activated; only a silo's end (or its death) stops it.
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.CurrentValue.PollInterval) { KeepAlive = true });
        return Task.CompletedTask;
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
                var due = store.Due(Shard, now, batch + _skipUntil.Count);
                ForgetExpiredSkips(now);
                var wake = due.Where(d => !_skipUntil.ContainsKey(d.TicketId)).Take(batch).ToList();
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
            if (await GrainFactory.GetGrain<ITicketGrain>(ticketId).FireDueAsync() == 0)
            {
                // Its row said due but the ticket had nothing to fire: a write of it is in flight (the row will
                // change with it). Look again shortly rather than at once.
                _skipUntil[ticketId] = now + TimeSpan.FromSeconds(1);
            }
        }
        catch (Exception ex)
        {
            _skipUntil[ticketId] = now + Backoff;
            DeadlineShardLog.FireFailed(logger, ticketId, ex);
        }
    }

    private void ForgetExpiredSkips(DateTimeOffset now)
    {
        foreach (var (ticketId, until) in _skipUntil.ToList())
        {
            if (until <= now)
            {
                _skipUntil.Remove(ticketId);
            }
        }
    }
}

internal static partial class DeadlineShardLog
{
    [LoggerMessage(EventId = LogEventIds.DeadlineFireFailed, Level = LogLevel.Warning, Message = "Ticket {TicketId} could not fire its due deadline steps; retrying in a few seconds")]
    public static partial void FireFailed(ILogger logger, string ticketId, Exception exception);

    [LoggerMessage(EventId = LogEventIds.DeadlineShardFailed, Level = LogLevel.Warning, Message = "Deadline shard {Shard} could not read its due tickets; retrying")]
    public static partial void TickFailed(ILogger logger, int shard, Exception exception);
}
