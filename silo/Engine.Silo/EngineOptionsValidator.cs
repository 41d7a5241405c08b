using System.Net;
using Engine.Api;
using Engine.Domain;
using Microsoft.Extensions.Options;

namespace Engine.Silo;

/// <summary>The ranges of <see cref="EngineOptions"/>. They are read before the host exists (the ports go into the
/// silo's configuration), so <see cref="EngineHost.Build"/> runs this itself and stops with its one line.</summary>
public sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public const string Section = "Engine";

    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        var check = new SettingsCheck(Section);
        var ports = new List<(string Setting, int Port)>();
        if (Hosting.TryParseEndpoint(options.GrpcEndpoint, out var grpc))
        {
            ports.Add((nameof(options.GrpcEndpoint), grpc.Port));
        }
        else
        {
            check.Fail(nameof(options.GrpcEndpoint), Hosting.NotAnEndpoint(options.GrpcEndpoint));
        }

        // Empty: no dashboard.
        if (!string.IsNullOrEmpty(options.DashboardEndpoint))
        {
            if (Hosting.TryParseEndpoint(options.DashboardEndpoint, out var dashboard))
            {
                ports.Add((nameof(options.DashboardEndpoint), dashboard.Port));
            }
            else
            {
                check.Fail(nameof(options.DashboardEndpoint), Hosting.NotAnEndpoint(options.DashboardEndpoint) + ", or empty for no dashboard");
            }
        }

        foreach (var (setting, port) in new[] { (nameof(options.SiloPort), options.SiloPort), (nameof(options.GatewayPort), options.GatewayPort) })
        {
            check.Between(setting, port, 1, IPEndPoint.MaxPort);
            if (port is >= 1 and <= IPEndPoint.MaxPort)
            {
                ports.Add((setting, port));
            }
        }

        // Each listens on its own port: the silo's two on this host, and the API and the dashboard told apart by port.
        for (var i = 1; i < ports.Count; i++)
        {
            if (ports.Take(i).FirstOrDefault(earlier => earlier.Port == ports[i].Port) is { Setting: not null } same)
            {
                check.Fail(ports[i].Setting, $"must differ from {check.Key(same.Setting)} (both are {ports[i].Port})");
            }
        }

        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            check.Fail(nameof(options.AdvertisedAddress), $"'{options.AdvertisedAddress}' is not an IP address such as 127.0.0.1");
        }

        check.Required(nameof(options.ClusterId), options.ClusterId);
        check.Required(nameof(options.ServiceId), options.ServiceId);
        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
