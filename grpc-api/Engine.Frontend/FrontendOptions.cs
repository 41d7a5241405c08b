namespace Engine.Frontend;

/// <summary>Bound from the "Frontend" section (frontend.settings.json, FRONTEND__* environment variables, switches).
/// Start-up refuses a value outside the range each setting names (<see cref="FrontendOptionsValidator"/>).</summary>
public sealed class FrontendOptions
{
    /// <summary>gRPC (HTTP/2 without TLS). Default 127.0.0.1:50052. Allowed: an IP address (or localhost) and a port
    /// from 1 to 65535.</summary>
    public string GrpcEndpoint { get; set; } = "127.0.0.1:50052";

    /// <summary>Silo gateways (address:port), when the cluster's membership is not in PostgreSQL. Default the
    /// embedded engine's 127.0.0.1:30000. Allowed: each an address:port as for <see cref="GrpcEndpoint"/>.</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>Cluster mode: the PostgreSQL the silos keep their membership in (an Npgsql connection string). The
    /// front-end reads the live gateways from it and follows silos as they come and go; <see cref="Gateways"/> is
    /// then ignored. Allowed: empty, or a connection string naming a Host.</summary>
    public string? MembershipConnectionString { get; set; }

    /// <summary>The silos' Engine:ClusterId. Default court-engine-dev. Allowed: not empty.</summary>
    public string ClusterId { get; set; } = "court-engine-dev";

    /// <summary>The silos' Engine:ServiceId. Default court-engine. Allowed: not empty.</summary>
    public string ServiceId { get; set; } = "court-engine";
}
