namespace Engine.Frontend;

/// <summary>Bound from the "Frontend" section (appsettings.json, FRONTEND__* environment variables, switches).</summary>
public sealed class FrontendOptions
{
    /// <summary>gRPC (HTTP/2 without TLS). Default 127.0.0.1:50052.</summary>
    public string GrpcEndpoint { get; set; } = "127.0.0.1:50052";

    /// <summary>Silo gateways (address:port), when the cluster's membership is not in PostgreSQL. Default the
    /// embedded engine's 127.0.0.1:30000.</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>Cluster mode: the PostgreSQL the silos keep their membership in (an Npgsql connection string). The
    /// front-end reads the live gateways from it and follows silos as they come and go; <see cref="Gateways"/> is
    /// then ignored.</summary>
    public string? MembershipConnectionString { get; set; }

    public string ClusterId { get; set; } = "court-engine-dev";

    public string ServiceId { get; set; } = "court-engine";
}
