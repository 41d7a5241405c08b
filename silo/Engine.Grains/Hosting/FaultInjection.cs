namespace Engine.Grains.Hosting;

/// <summary>
/// Fault injection for the crash tests: with the environment variable <c>ENGINE_FAULT=&lt;point&gt;</c> the process
/// ends at that point at once, as a power cut would (tests/Engine.Tests/EndToEnd/CrashConsistencyTests.cs). Unset, as in
/// every real deployment, each point costs one comparison with null. The points: <c>case:before-state</c>,
/// <c>case:after-state</c>, <c>court:before-state</c>, <c>court:after-state</c> (<see cref="Events.GrainOutbox"/>).
/// </summary>
public static class FaultInjection
{
    public const string Variable = "ENGINE_FAULT";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);

    public static void At(string point)
    {
        if (Armed is not null && string.Equals(Armed, point, StringComparison.Ordinal))
        {
            Environment.FailFast($"fault injected at {point}");
        }
    }
}
