namespace Engine.Storage.Events;

/// <summary>The stable hash that splits the log among the members of a consumer group (FNV-1a over the UTF-16
/// code units, kept to 31 bits so that SQL's % is never negative). Stored with each event: never change it.</summary>
public static class EventPartitions
{
    public static int Hash(string aggregateId)
    {
        var hash = 2166136261u;
        foreach (var c in aggregateId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFF_FFFF);
    }
}
