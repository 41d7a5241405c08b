namespace Engine.Contracts.Grains;

/// <summary>Reads the event log for subscribers. Stateless; one per silo core.</summary>
public interface IEventReaderGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="max"/> matching events with sequence above <paramref name="after"/>, in order.</summary>
    Task<EventBatch> ReadAsync(long after, EventFilter filter, int max);

    /// <summary>Waits until the log holds an event above <paramref name="after"/>; false when the wait timed out or the
    /// silo began to stop (a silo deactivates its grains only once their calls have ended).</summary>
    Task<bool> WaitAsync(long after, TimeSpan timeout);

    /// <summary>The highest sequence in the log (0 when empty).</summary>
    Task<long> HeadAsync();

    /// <summary>The lowest sequence still in the log (older ones were removed by retention); head + 1 when empty.</summary>
    Task<long> EarliestAsync();

    /// <summary>The last sequence a member of a named subscription committed, or null when it never did.</summary>
    Task<long?> GetCursorAsync(string subscription, int memberIndex);

    /// <summary>Records that a member processed everything up to <paramref name="sequence"/>; never moves backwards.
    /// Answers the cursor as stored.</summary>
    Task<long> CommitCursorAsync(string subscription, int memberIndex, long sequence);
}
