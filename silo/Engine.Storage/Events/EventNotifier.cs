namespace Engine.Storage.Events;

/// <summary>Wakes waiting readers when the local committer has appended events. A hint only: readers always read
/// the log itself, so a missed or early wake costs a read, never an event.</summary>
public sealed class EventNotifier(TimeProvider time)
{
    private long _head;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Head => Volatile.Read(ref _head);

    public void Advance(long head)
    {
        long seen;
        while ((seen = Volatile.Read(ref _head)) < head && Interlocked.CompareExchange(ref _head, head, seen) != seen)
        {
        }

        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>True once the head is above <paramref name="after"/>; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAboveAsync(long after, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var expired = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(expired.Token, cancellationToken);
        while (Head <= after)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (Head > after)
            {
                break;
            }

            try
            {
                await changed.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (expired.IsCancellationRequested)
            {
                return false;
            }
        }

        return true;
    }
}
