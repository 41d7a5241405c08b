using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Engine.Contracts;

/// <summary>
/// The engine's own meters and its activity source, for every layer and both hosts (the silo, the front-end): the
/// hosts export these names through OpenTelemetry (docs/operations.md lists every instrument).
/// </summary>
public static class Telemetry
{
    /// <summary>The meter of storage, deadlines, calendars and look-ups: the silo's instruments. Its name predates
    /// the rest of the engine's instruments, and <c>dotnet-counters</c> users know it.</summary>
    public const string StorageMeterName = "Engine.Storage";

    /// <summary>The meter of the gRPC edge (the silo's co-hosted API and the front-end): event streams.</summary>
    public const string ApiMeterName = "Engine.Api";

    /// <summary>The engine's spans: the wait for a group commit and the commit of a batch.</summary>
    public const string ActivitySourceName = "Engine";

    public static readonly Meter ApiMeter = new(ApiMeterName);

    public static readonly ActivitySource Activities = new(ActivitySourceName);
}
