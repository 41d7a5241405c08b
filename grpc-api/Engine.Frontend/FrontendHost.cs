using System.Net;
using System.Net.Sockets;
using Engine.Api;
using Grpc.HealthCheck;
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
    };

    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
            await app.StartAsync();
        }
        catch (Exception ex) when (Explain(ex) is { } reason)
        {
            await Console.Error.WriteLineAsync("frontend: " + reason);
            return 1;
        }

        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Its own file name, so that it never shadows the silo's appsettings.json when both are deployed side by side.
        builder.Configuration.AddJsonFile("frontend.settings.json", optional: true);
        builder.Configuration.AddCommandLine(args, Switches.ToDictionary());
        var options = builder.Configuration.GetSection("Frontend").Get<FrontendOptions>() ?? new FrontendOptions();
        var grpc = ParseEndpoint(options.GrpcEndpoint, "Frontend:GrpcEndpoint");
        var gateways = options.Gateways.Count == 0 ? [new IPEndPoint(IPAddress.Loopback, 30000)] : options.Gateways.Select(g => ParseEndpoint(g, "Frontend:Gateways")).ToArray();

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(grpc, listen => listen.Protocols = HttpProtocols.Http2));
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateways);
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
        });
        builder.Services.AddEngineGrpc();

        var app = builder.Build();
        app.MapEngineGrpc($"*:{grpc.Port}");
        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        app.Lifetime.ApplicationStarted.Register(() => health.SetServing(true));
        app.Lifetime.ApplicationStopping.Register(() => health.SetServing(false));
        return app;
    }

    public static string? Explain(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is FrontendStartupException || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return e.Message;
            }

            if (e is Orleans.Runtime.OrleansException)
            {
                return $"no silo gateway answered ({e.Message.ReplaceLineEndings(" ")})";
            }
        }

        return ex is IOException ? ex.Message.ReplaceLineEndings(" ") : null;
    }

    private static IPEndPoint ParseEndpoint(string value, string name) =>
        IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port > 0
            ? endpoint
            : throw new FrontendStartupException($"{name} '{value}' is not an address:port such as 127.0.0.1:50052");
}
