using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Storage.Events;
using Orleans.Concurrency;

namespace Engine.Grains.Events;

// Reentrant: no state; many subscribers wait on it at once.
[StatelessWorker]
[Reentrant]
internal sealed class EventReaderGrain(
    IEventLog log, EventNotifier notifier, IHostApplicationLifetime lifetime, [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, IEventReaderGrain
{
    public Task<EventBatch> ReadAsync(long after, EventFilter filter, int max) => Task.FromResult(log.Read(after, filter, max));

    // The wait ends when the silo begins to stop: a silo deactivates its grains only once their calls have ended, and a
    // wait held to its timeout held every stop (an embedded engine's too) for up to a heartbeat interval. (Not a
    // cancellation token from the caller: Orleans delivers a stateless worker's cancellation to any of its activations,
    // often a new one, not to the one waiting.)
    public async Task<bool> WaitAsync(long after, TimeSpan timeout)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            return log.Head() > after || await notifier.WaitAboveAsync(after, timeout, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    public Task<long> HeadAsync() => Task.FromResult(log.Head());

    public Task<long> EarliestAsync() => Task.FromResult(log.Earliest());

    public Task<long?> GetCursorAsync(string subscription, int memberIndex) => Task.FromResult(log.GetCursor(subscription, memberIndex));

    public Task<long> CommitCursorAsync(string subscription, int memberIndex, long sequence) =>
        Task.FromResult(log.CommitCursor(subscription, memberIndex, sequence, time.GetUtcNow()));
}
