using System.Diagnostics.Metrics;

namespace Engine.Storage.Databases;

/// <summary>The storage layer's instruments, under the meter <c>Engine.Storage</c>
/// (<c>dotnet-counters monitor -n Engine.Silo --counters Engine.Storage</c>).</summary>
public static class StorageMetrics
{
    public const string MeterName = Engine.Contracts.Telemetry.StorageMeterName;

    public static readonly Meter Meter = new(MeterName);
}
