using Microsoft.Extensions.Options;

namespace Engine.Grains.Deadlines;

/// <summary>
/// The silo's bound on wakes in flight, shared by every deadline and timer shard it holds
/// (<c>Engine:Deadlines:MaxWakesPerSilo</c>). Each shard may keep <c>FireBatchSize</c> wakes going, so a silo holding
/// ten of the sixteen shards started 2,560 at once after a database restart, each an activation reading the database:
/// the silo's threads and connections went to them, and steps came due behind them 20–27 s late (docs/decisions.md,
/// entry 68). A wake waits here without a thread, and its place is given back when its call ends, not when the shard
/// stops waiting for it.
/// <para>
/// Two lanes (decision 77): a wake for an owner that came due since its shard last looked is let in before every wake
/// of a backlog (a storm's owners read again and again until they are drained), so that ordinary steps are not queued
/// behind a storm. Within a lane, first come first served.
/// </para>
/// </summary>
internal sealed class WakeGate(IOptions<DeadlineOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _onTime = new();
    private readonly Queue<TaskCompletionSource> _backlog = new();
    private int _free = options.Value.MaxWakesPerSilo;

    /// <summary>Starts <paramref name="wake"/> once a place is free; the place is held until the wake's task ends.</summary>
    /// <param name="backlog">The wake is for an owner of a backlog (decision 77): it waits behind every wake on time.</param>
    public async Task<Task<int>> StartAsync(Func<Task<int>> wake, bool backlog = false)
    {
        TaskCompletionSource? turn = null;
        lock (_lock)
        {
            // A free place means no one is waiting: places are handed to waiters before they are counted free.
            if (_free > 0)
            {
                _free--;
            }
            else
            {
                turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                (backlog ? _backlog : _onTime).Enqueue(turn);
            }
        }

        if (turn is not null)
        {
            await turn.Task;
        }

        Task<int> started;
        try
        {
            started = wake();
        }
        catch
        {
            GiveBack();
            throw;
        }

        _ = started.ContinueWith(static (_, gate) => ((WakeGate)gate!).GiveBack(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return started;
    }

    /// <summary>Places free now, for tests and measurements.</summary>
    public int Free
    {
        get
        {
            lock (_lock)
            {
                return _free;
            }
        }
    }

    /// <summary>Wakes waiting for a place now, for tests and measurements.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _onTime.Count + _backlog.Count;
            }
        }
    }

    private void GiveBack()
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            if (!_onTime.TryDequeue(out next) && !_backlog.TryDequeue(out next))
            {
                _free++;
                return;
            }
        }

        next.SetResult();
    }
}
