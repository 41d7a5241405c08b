using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Storage.Tickets;
using Orleans.Concurrency;

namespace Engine.Grains.Tickets;

/// <summary>Lists tickets straight from the tickets table: writes are acknowledged only once committed, so a
/// list read after an acknowledgement sees it.</summary>
// Reentrant: no state, so interleaving reads is safe.
[StatelessWorker]
[Reentrant]
internal sealed class TicketQueryGrain(ITicketStore store) : Grain, ITicketQueryGrain
{
    public Task<TicketPage> ListAsync(TicketQuery query) => Task.FromResult(store.List(query));
}
