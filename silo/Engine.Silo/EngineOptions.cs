namespace Engine.Silo;

/// <summary>The engine process's addresses and identity. Bound from the "Engine" section (appsettings.json,
/// ENGINE__* environment variables, or the command-line switches of <see cref="EngineHost"/>).</summary>
public sealed class EngineOptions
{
    /// <summary>gRPC (HTTP/2 without TLS). Default 127.0.0.1:50051.</summary>
    public string GrpcEndpoint { get; set; } = "127.0.0.1:50051";

    /// <summary>The Orleans dashboard (HTTP/1.1) at /dashboard. Default 127.0.0.1:8080; empty disables it.</summary>
    public string DashboardEndpoint { get; set; } = "127.0.0.1:8080";

    /// <summary>Orleans silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans gateway port for clients such as the standalone front-end. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and front-ends reach this silo at (cluster mode). Default 127.0.0.1.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    public string ClusterId { get; set; } = "court-engine-dev";

    public string ServiceId { get; set; } = "court-engine";

    /// <summary>A directory file (the shape of shared/data/shanghai-courts.json) imported after start; upserts, so safe on every start.</summary>
    public string? ImportDirectory { get; set; }
}
