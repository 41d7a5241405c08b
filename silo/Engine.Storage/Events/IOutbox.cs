namespace Engine.Storage.Events;

/// <summary>
/// The outbox of aggregates kept as Orleans grain state (cases, courts): which of them may hold events of their last
/// change that are not in the log yet. <see cref="WriteAsync"/> is a grain's step of the protocol, committed with other
/// grains' steps in one transaction; every other call is one synchronous statement or transaction, done when it returns.
/// </summary>
public interface IOutbox
{
    /// <summary>One step of a change (<see cref="OutboxWrite.Mark"/> before the state write,
    /// <see cref="OutboxWrite.Finish"/> after it), durable when the task completes.</summary>
    Task WriteAsync(OutboxWrite write);

    /// <summary>Clears the mark, once the events are in the log.</summary>
    void Clear(string grainType, string grainKey);

    Task<bool> IsPendingAsync(string grainType, string grainKey);

    /// <summary>When the grain is marked pending, appends <paramref name="events"/> (what its state holds) and clears
    /// the mark; otherwise does nothing beyond one read.</summary>
    Task FinishPendingAsync(string grainType, string grainKey, IReadOnlyList<EventRow> events);

    /// <summary>Every grain still marked, for the sweep after a crash.</summary>
    IReadOnlyList<(string GrainType, string GrainKey)> Pending();

    /// <summary>Appends the events that are not in the log yet (an event already there is skipped), in one transaction.</summary>
    void Append(IReadOnlyList<EventRow> events);
}

/// <summary>A grain's next wake (a row of <c>due_timers</c>), kept with its outbox steps: pulled earlier to
/// <paramref name="At"/> with the mark, before the state write, and set to it (forgotten when null) with the events, after
/// it. A crash between the two leaves the wake early, never late (decision 62).</summary>
public sealed record OutboxWake(string OwnerKey, DateTimeOffset? At);

/// <summary>A grain's step of the outbox protocol: the mark, with its wake pulled earlier; or the events, the mark cleared
/// and its wake set.</summary>
public sealed record OutboxWrite(string GrainType, string GrainKey, bool Marking, IReadOnlyList<EventRow> Events, OutboxWake? Wake)
{
    public static OutboxWrite Mark(string grainType, string grainKey, OutboxWake? wake) => new(grainType, grainKey, true, [], wake);

    public static OutboxWrite Finish(string grainType, string grainKey, IReadOnlyList<EventRow> events, OutboxWake? wake) => new(grainType, grainKey, false, events, wake);
}
