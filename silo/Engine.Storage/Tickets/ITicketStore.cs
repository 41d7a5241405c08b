using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Events;

namespace Engine.Storage.Tickets;

/// <summary>Durable ticket records. The writes are group-committed, so they are asynchronous: a returned task completes
/// only once the change is on disk. The reads are synchronous: each is one statement on a pooled connection.</summary>
public interface ITicketStore
{
    /// <summary>Stores a new ticket, claims its (channel, idempotency key) and appends its events, in one
    /// transaction. If the key is taken, nothing is written and the id of the ticket that holds it is returned.</summary>
    Task<string?> CreateAsync(TicketRecord ticket, IReadOnlyList<EventRow> events);

    /// <summary>Replaces the ticket if its stored version is <paramref name="expectedVersion"/> and appends its
    /// events, in one transaction; throws (writing nothing) otherwise.</summary>
    Task UpdateAsync(TicketRecord ticket, long expectedVersion, IReadOnlyList<EventRow> events);

    /// <summary>As <see cref="UpdateAsync"/>, and in the same transaction creates a ticket the change owes (a
    /// callback, a supervision ticket) with its events; if that ticket's idempotency key exists it is not made again.</summary>
    Task UpdateAndCreateAsync(TicketRecord ticket, long expectedVersion, IReadOnlyList<EventRow> events, TicketRecord created, IReadOnlyList<EventRow> createdEvents);

    TicketRecord? Load(string ticketId);

    string? FindByIdempotencyKey(Channel channel, string idempotencyKey);

    TicketPage List(TicketQuery query);

    /// <summary>One page of the tickets whose caller's phone is <paramref name="callerPhone"/> (on
    /// <paramref name="caseNumber"/> only, when given), newest first, before <paramref name="beforeTicketId"/>: a seek on
    /// the caller index (or the case index), never a scan.</summary>
    TicketPage ListByCaller(string callerPhone, string? caseNumber, string? beforeTicketId, int pageSize);

    /// <summary>The oldest open ticket of this caller on this case and kind created since <paramref name="since"/>.</summary>
    string? FindOpenDuplicate(string caseNumber, TicketKind kind, string callerPhone, DateTimeOffset since);

    /// <summary>The tickets of deadline shard <paramref name="shard"/> with a step due at <paramref name="now"/>,
    /// earliest first.</summary>
    /// <param name="after">Only tickets due after this moment (a shard's last look: decision 77); null for all.</param>
    IReadOnlyList<(string TicketId, DateTimeOffset DueAt)> Due(int shard, DateTimeOffset now, int limit, DateTimeOffset? after = null);

    /// <summary>Open tickets whose clock spans <paramref name="year"/> and was counted on calendars older than
    /// <paramref name="change"/>, in id order after <paramref name="afterTicketId"/>.</summary>
    IReadOnlyList<string> CountedBefore(int year, long change, string? afterTicketId, int limit);

    /// <summary>Open tickets per judge of a court, for the least-loaded rule after a restart.</summary>
    IReadOnlyDictionary<string, int> OpenLoads(string courtId);
}
