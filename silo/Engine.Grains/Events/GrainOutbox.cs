using Engine.Grains.Hosting;
using Engine.Storage.Events;

namespace Engine.Grains.Events;

/// <summary>The state of a grain whose changes are events (a case, a court): it keeps the events of its last change
/// until they are in the log.</summary>
internal interface IOutboxState
{
    List<EventRow> Outbox { get; set; }
}

/// <summary>
/// The outbox protocol of an aggregate kept as Orleans grain state, the one place it is written: the grain is marked
/// pending (its next wake pulled earlier in the same transaction), its state is written with the change's events in it
/// (one write: both or neither), then the events are appended to the log (idempotent), the mark cleared and the wake set,
/// in one transaction. The two outbox steps are group-committed with other grains' (<see cref="IOutbox.WriteAsync"/>);
/// the state write is the Orleans provider's own. A crash between two steps leaves a mark, and the grain appends what
/// its state holds when it wakes (<see cref="IOutbox.FinishPendingAsync"/>, on activation and from the
/// <see cref="OutboxSweepService"/>). The crash tests end the process around the state write
/// (<see cref="FaultInjection"/>: <c>&lt;grain type&gt;:before-state</c>, <c>&lt;grain type&gt;:after-state</c>).
/// </summary>
internal static class GrainOutbox
{
    /// <summary>Commits a change of <paramref name="state"/> with its <paramref name="events"/>; the state holds the
    /// change already. <paramref name="wake"/>, when given, is the grain's next wake after the change.
    /// <paramref name="afterStateWritten"/> runs once the state is stored, before the events are appended. When a step
    /// fails the caller's activation must go: its memory may be ahead of what was stored.</summary>
    public static async Task CommitAsync<TState>(
        this IOutbox outbox, string grainType, string grainKey, IPersistentState<TState> state, IReadOnlyList<EventRow> events,
        OutboxWake? wake = null, Action? afterStateWritten = null)
        where TState : IOutboxState
    {
        await outbox.WriteAsync(OutboxWrite.Mark(grainType, grainKey, wake));
        state.State.Outbox = [.. events];
        FaultInjection.At(grainType + ":before-state");
        await state.WriteStateAsync();
        FaultInjection.At(grainType + ":after-state");
        afterStateWritten?.Invoke();
        await outbox.WriteAsync(OutboxWrite.Finish(grainType, grainKey, state.State.Outbox, wake));
    }
}
