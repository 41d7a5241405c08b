using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Deadlines;

/// <summary>
/// What a deadline shard and a timer shard share: a KeepAlive grain timer that reads the due rows of the shard,
/// earliest first, and wakes each owner (a ticket, a judge), which decides what is due and records it taken in the same
/// write as its events, so waking an owner twice fires nothing twice. Owners that came due since the shard's last look
/// go before the backlog of a storm (decision 77). The shard keeps nothing but the timer, the line between the two,
/// and the owners it put off after a failed wake.
/// </summary>
internal abstract class WakingShard(TimeProvider time, IOptionsMonitor<DeadlineOptions> options, WakeGate gate) : Grain
{
    /// <summary>A tick drains a storm for at most this long before letting other work and the next tick in.</summary>
    private static readonly TimeSpan TickBudget = TimeSpan.FromSeconds(5);

    /// <summary>An owner whose wake failed is put off this long the first time, twice as long each time after, up to
    /// <see cref="LongestBackoff"/>: an owner whose silo was lost is tried again within a second or two of the loss
    /// being declared, and one that keeps failing is not retried a few times a second. The longest wait is what a step
    /// can lose after its database or silo comes back (a PostgreSQL restart fails every wake for its length), so it
    /// stays well under the 10 s promised after a loss.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(0.5);

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(4);

    /// <summary>A wake not answered in this long is given up (the call goes on; a later wake is harmless: the owner
    /// records each step taken in the write that takes it, and Orleans ends the call at
    /// <see cref="Engine.Contracts.Grains.WakeCall.ResponseTimeout"/>). Without it one owner whose silo froze held up
    /// every other owner of the shard until the silo was declared dead.</summary>
    private static readonly TimeSpan WakeTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, PutOff> _putOff = new(StringComparer.Ordinal);

    /// <summary>Owners whose wake was given up at <see cref="WakeTimeout"/> but is still running (queued behind a busy
    /// store, or on a frozen or cold silo): they are not woken again until it ends (within the call's 10 s), or until a silo's loss or drain says that
    /// it may never (<see cref="RetryPutOffAsync"/>). Waking them again only queued a second wake behind the first:
    /// 5,000 judges' lists took 8,500 wakes (docs/benchmarks.md, "Judges' morning lists at national size").</summary>
    private readonly HashSet<string> _stillRunning = new(StringComparer.Ordinal);
    private IGrainTimer? _timer;

    /// <summary>Owners due after this moment are on time; those due by it and still there are the backlog (decision 77).
    /// It is the moment of the shard's last look, or, when more came due than a look reads (a storm), the due moment of
    /// the last owner read. Unknown after an activation: everything due is on time.</summary>
    private DateTimeOffset? _backlogUpTo;

    protected int Shard => (int)this.GetPrimaryKeyLong();

    /// <summary>The owners of the shard due after <paramref name="after"/> (null: any time) and by <paramref name="upTo"/>,
    /// earliest first, with their due moments.</summary>
    protected abstract IReadOnlyList<(string Owner, DateTimeOffset DueAt)> ReadDue(DateTimeOffset? after, DateTimeOffset upTo, int limit);

    /// <summary>Has the owner fire what is due; answers how many fired (0: nothing was due yet).</summary>
    protected abstract Task<int> FireAsync(string owner);

    /// <summary>Logs a failed wake; called at the 1st, 2nd, 4th, 8th… failure in a row, so an owner that keeps failing
    /// is not logged every few seconds.</summary>
    protected abstract void WakeFailed(string owner, int failures, double seconds, Exception exception);

    protected abstract void TickFailed(Exception exception);

    public Task EnsureRunningAsync()
    {
        // KeepAlive: the ticks keep the shard activated; only a silo's end (or its death) stops it.
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.CurrentValue.PollInterval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task RetryPutOffAsync()
    {
        // Failures keep their count (an owner that fails again is put off longer), only the wait ends now.
        foreach (var (owner, putOff) in _putOff.ToList())
        {
            _putOff[owner] = putOff with { Until = DateTimeOffset.MinValue };
        }

        _stillRunning.Clear();

        return EnsureRunningAsync();
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        // Up to FireBatchSize wakes are in flight at once, and each one that ends makes room for the next: a slow owner
        // (its silo frozen, its activation loading) holds up only its own slot, not a whole batch. The due rows are read
        // again when half the slots are free and more may be due, and a poll interval after the last look whenever a
        // wake ends. Each look reads the owners that came due since the last (on time), then the backlog, each earliest
        // first (decision 77): the backlog keeps a quarter of the slots free for owners that come due while it drains,
        // and waits behind them in the silo's gate, so a storm of steps due at one moment does not make every later
        // step wait until it is drained. Every continuation runs on this activation, one at a time, so the counts and
        // sets need no lock.
        var budget = Stopwatch.StartNew();
        var poll = options.CurrentValue.PollInterval;
        var slots = Math.Max(1, options.CurrentValue.FireBatchSize);
        var backlogSlots = Math.Max(1, slots - (slots / 4));
        var waking = new HashSet<string>(StringComparer.Ordinal);
        var backlogWaking = 0;
        var lastLook = Stopwatch.StartNew();
        var freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mayBeMore = true;
        try
        {
            while (true)
            {
                if (((mayBeMore && waking.Count <= slots / 2) || lastLook.Elapsed >= poll) && budget.Elapsed <= TickBudget && !cancellationToken.IsCancellationRequested)
                {
                    var now = time.GetUtcNow();
                    ForgetExpiredSkips(now);
                    var limit = slots + _putOff.Count + _stillRunning.Count + waking.Count;
                    // A clock set back (tests) must not make an owner look due before its moment.
                    DateTimeOffset? upTo = _backlogUpTo is { } at ? (at < now ? at : now) : null;
                    var fresh = ReadDue(upTo, now, limit);
                    // Read at every look, not only after a storm: a row may be written with a moment already behind the
                    // line (a calendar sweep, a clock counted again), and only this read finds it.
                    var backlog = upTo is { } before ? ReadDue(null, before, limit) : [];
                    lastLook.Restart();
                    // More came due since the last look than one look reads: a storm. What was read joins the backlog
                    // now, and what came due after it is on time at the next look.
                    var storm = fresh.Count == limit;
                    _backlogUpTo = storm ? fresh[^1].DueAt : now;
                    mayBeMore = storm || backlog.Count == limit;
                    if (!storm)
                    {
                        Start(fresh, isBacklog: false, now);
                    }

                    Start(backlog, isBacklog: true, now);
                    if (storm)
                    {
                        Start(fresh, isBacklog: true, now);
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
            TickFailed(ex);
        }

        void Start(IReadOnlyList<(string Owner, DateTimeOffset DueAt)> due, bool isBacklog, DateTimeOffset now)
        {
            foreach (var (owner, _) in due)
            {
                if (waking.Count >= slots || (isBacklog && backlogWaking >= backlogSlots))
                {
                    return;
                }

                if (!waking.Contains(owner) && !_stillRunning.Contains(owner) && !(_putOff.TryGetValue(owner, out var putOff) && putOff.Until > now))
                {
                    waking.Add(owner);
                    backlogWaking += isBacklog ? 1 : 0;
                    _ = WakeInSlotAsync(owner, isBacklog, now);
                }
            }
        }

        async Task WakeInSlotAsync(string owner, bool isBacklog, DateTimeOffset now)
        {
            try
            {
                await WakeAsync(owner, isBacklog, now);
            }
            finally
            {
                waking.Remove(owner);
                backlogWaking -= isBacklog ? 1 : 0;
                freed.TrySetResult();
            }
        }
    }

    private async Task WakeAsync(string owner, bool isBacklog, DateTimeOffset now)
    {
        Task<int>? fire = null;
        try
        {
            // WakeTimeout counts from the start of the call, not from the wait for a place in the silo's gate.
            fire = await gate.StartAsync(() => FireAsync(owner), isBacklog);
            if (await fire.WaitAsync(WakeTimeout) == 0)
            {
                // Its row said due but the owner had nothing to fire: a write of it is in flight (the row will change
                // with it). Look again shortly rather than at once.
                _putOff[owner] = new PutOff(now + TimeSpan.FromSeconds(1), Failures: 0);
            }
            else
            {
                _putOff.Remove(owner);
            }
        }
        catch (Exception ex)
        {
            if (ex is TimeoutException && fire is { IsCompleted: false })
            {
                _stillRunning.Add(owner);
                _ = ForgetWhenEndedAsync(owner, fire);
            }

            var failures = _putOff.TryGetValue(owner, out var before) ? before.Failures + 1 : 1;
            var wait = TimeSpan.FromTicks(Math.Min(LongestBackoff.Ticks, FirstBackoff.Ticks << Math.Min(failures - 1, 8)));
            _putOff[owner] = new PutOff(now + wait, failures);
            if ((failures & (failures - 1)) == 0)
            {
                WakeFailed(owner, failures, wait.TotalSeconds, ex);
            }
        }
    }

    private async Task ForgetWhenEndedAsync(string owner, Task<int> fire)
    {
        try
        {
            await fire;
        }
        catch
        {
            // Its failure was the timeout's: counted and logged then.
        }
        finally
        {
            _stillRunning.Remove(owner);
        }
    }

    private void ForgetExpiredSkips(DateTimeOffset now)
    {
        foreach (var (owner, putOff) in _putOff.ToList())
        {
            // A failed owner's count is kept a while after its wait (failing again soon, it waits longer); an owner no
            // longer due (fired or closed elsewhere) is forgotten then too.
            if (putOff.Until + (putOff.Failures == 0 ? TimeSpan.Zero : LongestBackoff) <= now)
            {
                _putOff.Remove(owner);
            }
        }
    }

    /// <summary>An owner not to wake before <paramref name="Until"/>, after <paramref name="Failures"/> failed wakes in
    /// a row (0: it had nothing due yet).</summary>
    private readonly record struct PutOff(DateTimeOffset Until, int Failures);
}
