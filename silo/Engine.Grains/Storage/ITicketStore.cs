using Engine.Contracts;
using Engine.Domain;

namespace Engine.Grains.Storage;

/// <summary>Durable ticket records. A returned task completes only once the change is on disk.</summary>
public interface ITicketStore
{
    /// <summary>Stores a new ticket and claims its (channel, idempotency key). If the key is taken, nothing is
    /// written and the id of the ticket that holds it is returned.</summary>
    Task<string?> CreateAsync(TicketRecord ticket);

    /// <summary>Replaces the ticket if its stored version is <paramref name="expectedVersion"/>; throws otherwise.</summary>
    Task UpdateAsync(TicketRecord ticket, long expectedVersion);

    Task<TicketRecord?> LoadAsync(string ticketId);

    Task<string?> FindByIdempotencyKeyAsync(Channel channel, string idempotencyKey);

    Task<TicketPage> ListAsync(TicketQuery query);

    /// <summary>The oldest open ticket of this caller on this case and kind created since <paramref name="since"/>.</summary>
    Task<string?> FindOpenDuplicateAsync(string caseNumber, TicketKind kind, string callerPhone, DateTimeOffset since);

    /// <summary>Open tickets per judge of a court, for the least-loaded rule after a restart.</summary>
    Task<IReadOnlyDictionary<string, int>> OpenLoadsAsync(string courtId);
}
