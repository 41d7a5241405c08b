using Microsoft.Extensions.Time.Testing;

namespace Engine.Tests.Support;

/// <summary>A fake clock that says when code starts waiting on it: a service blocked on one of its timers cannot
/// move until the test advances the clock, so a test can hold it there and check what it did not do meanwhile.</summary>
public sealed class ObservedClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Started)> _awaited = [];

    /// <summary>Completes when a timer due in <paramref name="dueTime"/> is made (a <c>Task.Delay</c> on this clock
    /// makes one), from now on.</summary>
    public Task TimerStartedAsync(TimeSpan dueTime)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_awaited)
        {
            _awaited.Add((dueTime, started));
        }

        return started.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_awaited)
        {
            foreach (var waiter in _awaited.Where(w => w.DueTime == dueTime).ToList())
            {
                _awaited.Remove(waiter);
                waiter.Started.SetResult();
            }
        }

        return timer;
    }
}
