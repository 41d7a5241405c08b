using Microsoft.Extensions.Options;

namespace Engine.Grains.Deadlines;

/// <summary>
/// The silo's bound on wakes in flight, shared by every deadline and timer shard it holds
/// (<c>Engine:Deadlines:MaxWakesPerSilo</c>). Each shard may keep <c>FireBatchSize</c> wakes going, so a silo holding
/// ten of the sixteen shards started 2,560 at once after a database restart, each an activation reading the database:
/// the silo's threads and connections went to them, and steps came due behind them 20–27 s late (docs/decisions.md,
/// entry 68). A wake waits here without a thread, and its place is given back when its call ends, not when the shard
/// stops waiting for it.
/// </summary>
internal sealed class WakeGate(IOptions<DeadlineOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _places = new(options.Value.MaxWakesPerSilo);

    /// <summary>Starts <paramref name="wake"/> once a place is free; the place is held until the wake's task ends.</summary>
    public async Task<Task<int>> StartAsync(Func<Task<int>> wake)
    {
        await _places.WaitAsync();
        Task<int> started;
        try
        {
            started = wake();
        }
        catch
        {
            _places.Release();
            throw;
        }

        _ = started.ContinueWith(static (_, places) => GiveBack((SemaphoreSlim)places!), _places, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return started;
    }

    public void Dispose() => _places.Dispose();

    private static void GiveBack(SemaphoreSlim places)
    {
        try
        {
            places.Release();
        }
        catch (ObjectDisposedException)
        {
            // A call that ended after the silo stopped: there is no one left to give the place to.
        }
    }

    /// <summary>Places free now, for tests and measurements.</summary>
    public int Free => _places.CurrentCount;
}
