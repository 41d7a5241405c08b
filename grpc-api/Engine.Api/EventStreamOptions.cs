using Engine.Domain;
using Microsoft.Extensions.Options;

namespace Engine.Api;

/// <summary>Event subscriptions. Bound from "Engine:Events" (silo) or "Frontend:Events" (front-end); start-up refuses
/// a value outside the range each setting names (<see cref="EventStreamOptionsValidator"/>).</summary>
public sealed class EventStreamOptions
{
    /// <summary>A wait for new events is one grain call, which Orleans times out at 30 s.</summary>
    public static readonly TimeSpan LongestHeartbeatInterval = TimeSpan.FromSeconds(25);

    /// <summary>Below this, an idle stream would be all heartbeats.</summary>
    public static readonly TimeSpan ShortestHeartbeatInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A batch is one grain call's answer, which Orleans refuses beyond 100 MB; this many events with the
    /// largest ticket text stay well under it.</summary>
    public const int MaxBatchSize = 5_000;

    /// <summary>An idle stream gets a heartbeat this often, so that dead connections are noticed. Default 15 s.
    /// Allowed: 00:00:00.1 to 00:00:25 (a wait is one grain call; zero would send heartbeats back to back).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events read from the log per round trip. Default 500. Allowed: 1 to 5,000 (0 fails every read, and
    /// subscribers that retry loop on grain calls; a batch is one grain call's answer).</summary>
    public int BatchSize { get; set; } = 500;
}

/// <param name="section">Where the host binds the options from: "Engine:Events" or "Frontend:Events".</param>
public sealed class EventStreamOptionsValidator(string section) : IValidateOptions<EventStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, EventStreamOptions options)
    {
        var check = new SettingsCheck(section);
        check.Between(nameof(options.HeartbeatInterval), options.HeartbeatInterval, EventStreamOptions.ShortestHeartbeatInterval, EventStreamOptions.LongestHeartbeatInterval);
        check.Between(nameof(options.BatchSize), options.BatchSize, 1, EventStreamOptions.MaxBatchSize);
        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
