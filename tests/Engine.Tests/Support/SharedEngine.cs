namespace Engine.Tests.Support;

/// <summary>One engine with the sample directory for a whole test class; tests use their own case numbers.</summary>
public sealed class SharedEngine : IAsyncLifetime
{
    private static int _nextCase = 1000;

    public EngineInstance Instance { get; private set; } = null!;

    /// <summary>A case number no other test of this run uses.</summary>
    public static string NewCaseNumber(string courtCode = "沪0115", string type = "民初") =>
        $"(2025){courtCode}{type}{Interlocked.Increment(ref _nextCase)}号";

    public async Task InitializeAsync() => Instance = await EngineInstance.StartWithSampleDirectoryAsync();

    public async Task DisposeAsync() => await Instance.DisposeAsync();
}
