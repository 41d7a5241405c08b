using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Storage.Events;
using Orleans.Concurrency;

namespace Engine.Grains.Events;

// Reentrant: no state; many subscribers wait on it at once.
[StatelessWorker]
[Reentrant]
internal sealed class EventReaderGrain(IEventLog log, EventNotifier notifier, [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, IEventReaderGrain
{
    public Task<EventBatch> ReadAsync(long after, EventFilter filter, int max) => Task.FromResult(log.Read(after, filter, max));

    public async Task<bool> WaitAsync(long after, TimeSpan timeout) =>
        log.Head() > after || await notifier.WaitAboveAsync(after, timeout);

    public Task<long> HeadAsync() => Task.FromResult(log.Head());

    public Task<long> EarliestAsync() => Task.FromResult(log.Earliest());

    public Task<long?> GetCursorAsync(string subscription, int memberIndex) => Task.FromResult(log.GetCursor(subscription, memberIndex));

    public Task<long> CommitCursorAsync(string subscription, int memberIndex, long sequence) =>
        Task.FromResult(log.CommitCursor(subscription, memberIndex, sequence, time.GetUtcNow()));
}
