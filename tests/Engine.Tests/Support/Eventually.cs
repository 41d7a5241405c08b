namespace Engine.Tests.Support;

/// <summary>Waits for a condition the test cannot be told about (a background poll, another silo), looking again
/// every tenth of a second, and fails naming what was awaited when <see cref="EventStreams.Patience"/> runs out.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? EventStreams.Patience);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what) => TrueAsync(() => Task.FromResult(condition()), what);
}
