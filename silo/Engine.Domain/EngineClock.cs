namespace Engine.Domain;

/// <summary>The engine's clock is a keyed service, apart from the unkeyed <see cref="TimeProvider"/> Orleans runs its
/// own timers and health checks on: a replay or a drill can move the engine's time (tickets, deadlines, statistics)
/// without the runtime believing it stalled for hours.</summary>
public static class EngineClock
{
    public const string Key = "engine-clock";
}
