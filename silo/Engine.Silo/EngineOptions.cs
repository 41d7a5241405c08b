namespace Engine.Silo;

/// <summary>The engine process's addresses and identity. Bound from the "Engine" section (appsettings.json,
/// ENGINE__* environment variables, or the command-line switches of <see cref="EngineHost"/>). Start-up refuses a
/// value outside the range each setting names (<see cref="EngineOptionsValidator"/>); the four ports must all
/// differ.</summary>
public sealed class EngineOptions
{
    /// <summary>gRPC (HTTP/2 without TLS). Default 127.0.0.1:50051. Allowed: an IP address (or localhost) and a port
    /// from 1 to 65535.</summary>
    public string GrpcEndpoint { get; set; } = "127.0.0.1:50051";

    /// <summary>The Orleans dashboard (HTTP/1.1) at /dashboard. Default 127.0.0.1:8080; empty disables it. Allowed:
    /// empty, or an address:port as for <see cref="GrpcEndpoint"/>.</summary>
    public string DashboardEndpoint { get; set; } = "127.0.0.1:8080";

    /// <summary>Orleans silo-to-silo port. Default 11111. Allowed: 1 to 65535.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans gateway port for clients such as the standalone front-end. Default 30000. Allowed: 1 to
    /// 65535.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and front-ends reach this silo at (cluster mode). Default 127.0.0.1. Allowed:
    /// an IP address.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>The cluster this silo joins (silos and front-ends of one cluster share it). Default court-engine-dev.
    /// Allowed: not empty.</summary>
    public string ClusterId { get; set; } = "court-engine-dev";

    /// <summary>The service whose grain state this silo reads and writes. Default court-engine. Allowed: not
    /// empty.</summary>
    public string ServiceId { get; set; } = "court-engine";

    /// <summary>A directory file (the shape of shared/data/shanghai-courts.json) imported after start; upserts, so safe on every start.</summary>
    public string? ImportDirectory { get; set; }

    /// <summary>A knowledge-base file (format engine.knowledge/1, docs/knowledge.md) imported at start after the
    /// directory. Without it, a samples-style knowledge-base.json beside the ImportDirectory file is imported. Importing
    /// an unchanged file writes nothing, and retired entries stay retired, so it is safe on every start.</summary>
    public string? ImportKnowledge { get; set; }

    /// <summary>Telemetry (docs/operations.md); OTLP export is set by the standard OTEL_* variables.</summary>
    public TelemetryOptions Telemetry { get; set; } = new();
}

/// <summary>The "Engine:Telemetry" section.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Serve the Prometheus scrape endpoint /metrics on the dashboard's HTTP/1.1 port (behind the same key
    /// login as the dashboard when authentication is required). Default true; nothing is served without a dashboard
    /// endpoint.</summary>
    public bool Prometheus { get; set; } = true;
}
