using System.Net;
using Engine.Api;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Configuration;

namespace Engine.Frontend;

public static class FrontendHost
{
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--grpc"] = "Frontend:GrpcEndpoint",
        ["--gateway"] = "Frontend:Gateways:0",
        ["--cluster-id"] = "Frontend:ClusterId",
        ["--service-id"] = "Frontend:ServiceId",
        ["--membership"] = "Frontend:MembershipConnectionString",
    };

    /// <summary>The service name telemetry carries unless OTEL_SERVICE_NAME gives one.</summary>
    public const string ServiceName = "court-engine-frontend";

    public static Task<int> RunAsync(string[] args) => Hosting.RunAsync("frontend", () => Build(args), app => app.StartAsync(), Explain);

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Its own file name, so that it never shadows the silo's appsettings.json when both are deployed side by side.
        builder.Configuration.AddJsonFile("frontend.settings.json", optional: true);
        builder.Configuration.AddCommandLine(args, Switches.ToDictionary());
        var options = builder.Configuration.GetSection("Frontend").Get<FrontendOptions>() ?? new FrontendOptions();
        Hosting.Validate(new FrontendOptionsValidator(), options);
        var grpc = Hosting.ParseEndpoint(options.GrpcEndpoint, "Frontend:GrpcEndpoint");
        var gateways = options.Gateways.Count == 0 ? [new IPEndPoint(IPAddress.Loopback, 30000)] : options.Gateways.Select(g => Hosting.ParseEndpoint(g, "Frontend:Gateways")).ToArray();

        var security = Hosting.ReadSecurity(builder.Configuration, "Frontend:Security", ("Frontend:GrpcEndpoint", grpc));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(grpc, security));
        builder.UseOrleansClient(client =>
        {
            client.AddActivityPropagation();
            if (string.IsNullOrWhiteSpace(options.MembershipConnectionString))
            {
                client.UseStaticClustering(gateways);
            }
            else
            {
                client.UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = "Npgsql";
                    clustering.ConnectionString = options.MembershipConnectionString;
                });
                client.Configure<GatewayOptions>(gateway => gateway.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            }
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
        });
        builder.Services.Configure<Engine.Api.Security.SecurityOptions>(builder.Configuration.GetSection("Frontend:Security"));
        builder.Services.AddEngineGrpc("Frontend");
        builder.Services.Configure<EventStreamOptions>(builder.Configuration.GetSection("Frontend:Events"));
        builder.Services.Configure<CallWaitOptions>(builder.Configuration.GetSection("Frontend:Calls"));
        builder.AddEngineTelemetry(ServiceName);

        var app = builder.Build();
        app.WarnWhenOpen(security, grpc.ToString());
        app.MapEngineGrpcWithHealth(grpc.Port);
        return app;
    }

    public static string? Explain(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is Orleans.Runtime.OrleansException)
            {
                return $"no silo gateway answered ({e.Message.ReplaceLineEndings(" ")})";
            }
        }

        return Hosting.Explain(ex);
    }
}
