using Engine.Grains.Deadlines;
using Engine.Tests.Support;
using Microsoft.Extensions.Options;

namespace Engine.Tests.Grains;

/// <summary>The silo's bound on wakes in flight (<see cref="WakeGate"/>), shared by its deadline and timer shards, with
/// wakes on time let in before a backlog's (decision 77).</summary>
public sealed class WakeGateTests
{
    private static WakeGate Gate(int places) => new(Options.Create(new DeadlineOptions { MaxWakesPerSilo = places }));

    [Fact]
    public async Task A_wake_past_the_bound_starts_only_when_a_call_in_flight_ends()
    {
        var gate = Gate(2);
        var calls = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var started = new List<int>();

        var first = await gate.StartAsync(() => { started.Add(0); return calls[0].Task; });
        await gate.StartAsync(() => { started.Add(1); return calls[1].Task; });
        var third = gate.StartAsync(() => { started.Add(2); return calls[2].Task; });

        Assert.False(third.IsCompleted, "a third wake started while two calls were in flight");
        Assert.Equal([0, 1], started);

        calls[1].SetResult(1);
        var thirdCall = await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([0, 1, 2], started);

        calls[0].SetResult(1);
        calls[2].SetException(new TimeoutException("the wake's call timed out"));
        await first;
        await Assert.ThrowsAsync<TimeoutException>(() => thirdCall);
        await Eventually.TrueAsync(() => gate.Free == 2, "both places to come back, a failed call's too");
    }

    [Fact]
    public async Task A_wake_on_time_gets_the_next_place_before_every_backlog_wake_waiting_longer()
    {
        var gate = Gate(1);
        var holder = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new List<string>();
        await gate.StartAsync(() => holder.Task);

        var backlog = Enumerable.Range(0, 3).Select(i => gate.StartAsync(() => { started.Add($"backlog {i}"); return Task.FromResult(1); }, backlog: true)).ToList();
        var onTime = gate.StartAsync(() => { started.Add("on time"); return Task.FromResult(1); });
        Assert.Equal(4, gate.Waiting);
        Assert.Empty(started);

        holder.SetResult(1);
        await Task.WhenAll([.. backlog, onTime]).WaitAsync(TimeSpan.FromSeconds(10));

        // Each wake ends at once and hands its place on: the one on time first, then the backlog in the order it came.
        Assert.Equal(["on time", "backlog 0", "backlog 1", "backlog 2"], started);
        await Eventually.TrueAsync(() => gate.Free == 1, "the place to come back once every wake ended");
    }

    [Fact]
    public async Task A_wake_that_fails_as_it_starts_gives_its_place_back()
    {
        var gate = Gate(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.StartAsync(() => throw new InvalidOperationException("no grain")));

        Assert.Equal(1, gate.Free);
        Assert.Equal(7, await await gate.StartAsync(() => Task.FromResult(7)));
    }
}
