namespace Engine.Frontend;

/// <summary>Bound from the "Frontend" section (appsettings.json, FRONTEND__* environment variables, switches).</summary>
public sealed class FrontendOptions
{
    /// <summary>gRPC (HTTP/2 without TLS). Default 127.0.0.1:50052.</summary>
    public string GrpcEndpoint { get; set; } = "127.0.0.1:50052";

    /// <summary>Silo gateways (address:port). Default the embedded engine's 127.0.0.1:30000.</summary>
    public List<string> Gateways { get; set; } = [];

    public string ClusterId { get; set; } = "court-engine-dev";

    public string ServiceId { get; set; } = "court-engine";
}
