using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Engine.Api.Security;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        // Start-up checks every options class, and throws all the failures together when several are bad.
        if (Flatten(ex).OfType<OptionsValidationException>().SelectMany(invalid => invalid.Failures).ToList() is { Count: > 0 } failures)
        {
            return Invalid(failures);
        }

        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StartupException startup:
                    return startup.Message;
                case InvalidOperationException when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                    // The binder's own sentence names the key and the type: "... at 'Frontend:Events:BatchSize' to type 'System.Int32'."
                    return e.Message.ReplaceLineEndings(" ");
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                case IOException when e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                    return $"an address it needs is already in use: {e.Message}";
            }
        }

        return null;
    }

    /// <summary>Runs <paramref name="validator"/> on settings read before the host exists, and stops start-up with the
    /// same line a validator run by the host gives.</summary>
    public static T Validate<T>(IValidateOptions<T> validator, T options)
        where T : class
    {
        var result = validator.Validate(Options.DefaultName, options);
        return result.Failed ? throw new StartupException(Invalid(result.Failures ?? [result.FailureMessage])) : options;
    }

    public static IPEndPoint ParseEndpoint(string value, string name) =>
        TryParseEndpoint(value, out var endpoint) ? endpoint : throw new StartupException($"{name} {NotAnEndpoint(value)}");

    /// <summary>An IP address and a port from 1 to 65535, or localhost:port.</summary>
    public static bool TryParseEndpoint(string? value, [NotNullWhen(true)] out IPEndPoint? endpoint)
    {
        if (IPEndPoint.TryParse(value ?? string.Empty, out endpoint) && endpoint.Port > 0)
        {
            return true;
        }

        if (value is not null && value.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(value.AsSpan("localhost:".Length), out var port) && port is > 0 and < 65536)
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        endpoint = null;
        return false;
    }

    /// <summary>What an endpoint setting says when its value is not one (after the setting's name).</summary>
    public static string NotAnEndpoint(string? value, string example = "127.0.0.1:50051") => $"'{value}' is not an address:port such as {example}";

    public static IPAddress ParseAddress(string value, string name) => IPAddress.TryParse(value, out var address)
        ? address
        : throw new StartupException($"{name} '{value}' is not an IP address such as 127.0.0.1");

    /// <summary>Reads the security settings of a host (section "Engine:Security" or "Frontend:Security") and refuses to
    /// go on when an endpoint would be reachable from other machines without authentication.</summary>
    public static SecurityOptions ReadSecurity(IConfiguration configuration, string section, params (string Setting, IPEndPoint? Endpoint)[] endpoints)
    {
        var security = configuration.GetSection(section).Get<SecurityOptions>() ?? new SecurityOptions();
        if (security.Authentication == AuthenticationMode.None)
        {
            foreach (var (setting, endpoint) in endpoints)
            {
                if (endpoint is not null && !IPAddress.IsLoopback(endpoint.Address))
                {
                    throw new StartupException(
                        $"{setting} {endpoint} is reachable from other machines, so callers must authenticate: set {section}:Authentication=Required (docs/security.md), or bind to 127.0.0.1");
                }
            }
        }

        return security;
    }

    /// <summary>The gRPC listener: HTTP/2, over TLS when a certificate is configured (clear-text h2c otherwise), asking
    /// for client certificates as configured.</summary>
    public static void ListenGrpc(this KestrelServerOptions kestrel, IPEndPoint endpoint, SecurityOptions security) =>
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (security.Tls.Enabled)
            {
                listen.UseHttps(Tls.ServerOptions(security.Tls));
            }
        });

    /// <summary>Says loudly, once started, that the engine is open when it is.</summary>
    public static void WarnWhenOpen(this WebApplication app, SecurityOptions security, string endpoints)
    {
        if (security.Authentication == AuthenticationMode.None)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Engine.Security");
            app.Lifetime.ApplicationStarted.Register(() => SecurityLog.RunningOpen(logger, endpoints));
        }
    }

    /// <summary>Maps the gRPC services on <paramref name="grpcPort"/> and reports SERVING from start to stop.</summary>
    public static void MapEngineGrpcWithHealth(this WebApplication app, int grpcPort)
    {
        app.UseGrpcStatusInMetrics();
        app.MapEngineGrpc($"*:{grpcPort}");
        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        app.Lifetime.ApplicationStarted.Register(() => health.SetServing(true));
        app.Lifetime.ApplicationStopping.Register(() => health.SetServing(false));
    }

    private static string Invalid(IEnumerable<string> failures) =>
        "the configuration is not valid: " + string.Join("; ", failures).ReplaceLineEndings(" ");

    private static IEnumerable<Exception> Flatten(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            yield return ex;
            // The loop follows InnerException, which is an aggregate's first; the others are walked here.
            if (ex is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.Skip(1).SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}

/// <summary>A start-up failure with a one-line explanation for the operator.</summary>
public sealed class StartupException(string message) : Exception(message);
