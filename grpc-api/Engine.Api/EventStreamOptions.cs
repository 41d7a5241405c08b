namespace Engine.Api;

/// <summary>Event subscriptions. Bound from "Engine:Events" (silo) or "Frontend:Events" (front-end).</summary>
public sealed class EventStreamOptions
{
    /// <summary>An idle stream gets a heartbeat this often, so that dead connections are noticed. Default 15 s
    /// (at most 25 s: a wait is one grain call).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events read from the log per round trip. Default 500.</summary>
    public int BatchSize { get; set; } = 500;
}
