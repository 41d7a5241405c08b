namespace Engine.Contracts.Grains;

/// <summary>Reads the event log for subscribers. Stateless; one per silo core.</summary>
public interface IEventReaderGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="max"/> matching events with sequence above <paramref name="after"/>, in order.</summary>
    Task<EventBatch> ReadAsync(long after, EventFilter filter, int max);

    /// <summary>Waits until the log holds an event above <paramref name="after"/>; false when the wait timed out.</summary>
    Task<bool> WaitAsync(long after, TimeSpan timeout);

    /// <summary>The highest sequence in the log (0 when empty).</summary>
    Task<long> HeadAsync();
}
