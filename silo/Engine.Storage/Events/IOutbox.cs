namespace Engine.Storage.Events;

/// <summary>
/// The outbox of aggregates kept as Orleans grain state (cases, courts): which of them may hold events of their last
/// change that are not in the log yet. Every call is one synchronous statement or transaction, done when it returns.
/// </summary>
public interface IOutbox
{
    /// <summary>Marks the grain pending, before it writes its state with the change's events in it.</summary>
    void Mark(string grainType, string grainKey);

    /// <summary>Clears the mark, once the events are in the log.</summary>
    void Clear(string grainType, string grainKey);

    bool IsPending(string grainType, string grainKey);

    /// <summary>When the grain is marked pending, appends <paramref name="events"/> (what its state holds) and clears
    /// the mark; otherwise does nothing beyond one read.</summary>
    void FinishPending(string grainType, string grainKey, IReadOnlyList<EventRow> events);

    /// <summary>Every grain still marked, for the sweep after a crash.</summary>
    IReadOnlyList<(string GrainType, string GrainKey)> Pending();

    /// <summary>Appends the events that are not in the log yet (an event already there is skipped), in one transaction.</summary>
    void Append(IReadOnlyList<EventRow> events);
}
