using System.Net;
using System.Net.Sockets;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Api;

/// <summary>What the two processes that serve the API (the silo and the standalone front-end) share: parsing
/// addresses, mapping the services with health, and turning start-up failures into one line and exit code 1.</summary>
public static class Hosting
{
    /// <summary>Builds and starts the app, then runs it until Ctrl-C or SIGTERM. A start-up failure the operator can
    /// fix is printed as "<paramref name="name"/>: reason" on stderr with exit code 1.</summary>
    public static async Task<int> RunAsync(string name, Func<WebApplication> build, Func<WebApplication, Task> start, Func<Exception, string?>? explain = null)
    {
        WebApplication app;
        try
        {
            app = build();
            await start(app);
        }
        catch (Exception ex) when ((explain?.Invoke(ex) ?? Explain(ex)) is { } reason)
        {
            await Console.Error.WriteLineAsync($"{name}: {reason}");
            return 1;
        }

        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>A one-line reason for the start-up failures both hosts share, or null.</summary>
    public static string? Explain(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StartupException startup:
                    return startup.Message;
                case Microsoft.Extensions.Options.OptionsValidationException invalid:
                    return "the configuration is not valid: " + string.Join("; ", invalid.Failures).ReplaceLineEndings(" ");
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                case IOException when e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                    return $"an address it needs is already in use: {e.Message}";
            }
        }

        return null;
    }

    public static IPEndPoint ParseEndpoint(string value, string name)
    {
        if (IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port > 0)
        {
            return endpoint;
        }

        if (value.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(value.AsSpan("localhost:".Length), out var port) && port is > 0 and < 65536)
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        throw new StartupException($"{name} '{value}' is not an address:port such as 127.0.0.1:50051");
    }

    public static IPAddress ParseAddress(string value, string name) => IPAddress.TryParse(value, out var address)
        ? address
        : throw new StartupException($"{name} '{value}' is not an IP address such as 127.0.0.1");

    /// <summary>Maps the gRPC services on <paramref name="grpcPort"/> and reports SERVING from start to stop.</summary>
    public static void MapEngineGrpcWithHealth(this WebApplication app, int grpcPort)
    {
        app.MapEngineGrpc($"*:{grpcPort}");
        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        app.Lifetime.ApplicationStarted.Register(() => health.SetServing(true));
        app.Lifetime.ApplicationStopping.Register(() => health.SetServing(false));
    }
}

/// <summary>A start-up failure with a one-line explanation for the operator.</summary>
public sealed class StartupException(string message) : Exception(message);
