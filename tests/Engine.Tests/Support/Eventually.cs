namespace Engine.Tests.Support;

/// <summary>
/// The tests' one polling loop, for a condition the test cannot be told about (a background poll, a one-way call,
/// another silo or process): it looks again every tenth of a second and fails naming what was awaited (and what it
/// read last) when its patience runs out (<see cref="EventStreams.Patience"/> unless given). It waits for something
/// to happen; it never proves that something did not.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null) =>
        ValueAsync(condition, holds => holds, what, patience);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? patience = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, patience);

    /// <summary>Reads until <paramref name="holds"/> is true of what was read, and answers that reading.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> holds, string what, TimeSpan? patience = null)
    {
        var giveUp = DateTime.UtcNow + (patience ?? EventStreams.Patience);
        var value = await read();
        while (!holds(value))
        {
            Assert.True(DateTime.UtcNow < giveUp, value is bool ? $"timed out waiting until {what}" : $"timed out waiting until {what} (last read: {value})");
            await Task.Delay(Interval);
            value = await read();
        }

        return value;
    }

    public static Task<T> ValueAsync<T>(Func<T> read, Func<T, bool> holds, string what, TimeSpan? patience = null) =>
        ValueAsync(() => Task.FromResult(read()), holds, what, patience);
}
