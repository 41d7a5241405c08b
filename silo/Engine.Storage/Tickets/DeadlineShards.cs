using Engine.Storage.Events;

namespace Engine.Storage.Tickets;

/// <summary>Which deadline shard watches a ticket. Stored with the ticket's due time: never change the hash; a
/// different count needs the due_shard column rewritten.</summary>
public static class DeadlineShards
{
    public const int Count = 16;

    public static int Of(string ticketId) => EventPartitions.Hash(ticketId) % Count;
}
