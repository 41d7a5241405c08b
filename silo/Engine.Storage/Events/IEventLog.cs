using Engine.Contracts;

namespace Engine.Storage.Events;

/// <summary>
/// Reading the event log, as the grains do (subscriptions, statistics). Each call is one synchronous read of the
/// database; appending is done by the stores whose changes the events describe, in the same transaction.
/// </summary>
public interface IEventLog
{
    /// <summary>Up to <paramref name="max"/> events after <paramref name="after"/> that <paramref name="filter"/>
    /// matches, read in one snapshot, with how far the log was scanned.</summary>
    EventBatch Read(long after, EventFilter filter, int max);

    /// <summary>The sequence of the newest event (0 when none).</summary>
    long Head();

    /// <summary>The sequence of the oldest event still kept (the next to come when none is).</summary>
    long Earliest();

    long? GetCursor(string subscription, int memberIndex);

    /// <summary>Moves a named subscription's cursor forward (never back); answers where it is.</summary>
    long CommitCursor(string subscription, int memberIndex, long sequence, DateTimeOffset now);
}
