using Engine.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Engine.Api;

/// <summary>
/// OpenTelemetry for both hosts (docs/operations.md): metrics of the engine's meters, Orleans, ASP.NET Core and
/// Kestrel (gRPC calls are ASP.NET Core requests, tagged with their method and status) and the runtime; traces of
/// ASP.NET Core requests, Orleans grain calls and the engine's commits. Exported over OTLP only when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a signal's own endpoint) is set, configured by the other <c>OTEL_*</c>
/// settings; the silo adds its Prometheus scrape endpoint. Traces are recorded only when something exports them: with
/// no OTLP endpoint there is no tracer provider, so no span is made for nobody (decision 74); a host that adds an
/// exporter of its own (<c>AddOpenTelemetry().WithTracing(…)</c>) gets the same sources.
/// </summary>
public static class EngineTelemetry
{
    /// <summary>Orleans' meter, and its activity sources (filled by <c>AddActivityPropagation</c>).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    public static readonly IReadOnlyList<string> OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    private static readonly string[] OtlpEndpoints =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    /// <param name="defaultServiceName">The service name unless <c>OTEL_SERVICE_NAME</c> gives one.</param>
    public static OpenTelemetryBuilder AddEngineTelemetry(this WebApplicationBuilder builder, string defaultServiceName)
    {
        var configuration = builder.Configuration;
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } named ? named : defaultServiceName;
        // What a trace holds, for whichever tracer provider exists; this alone does not make one (decision 74).
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddSource(Telemetry.ActivitySourceName)
            .AddSource([.. OrleansActivitySources])
            .AddAspNetCoreInstrumentation());
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(Telemetry.StorageMeterName, Telemetry.ApiMeterName, OrleansMeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation());
        if (OtlpEndpoints.Any(key => !string.IsNullOrWhiteSpace(configuration[key])))
        {
            telemetry.WithTracing().UseOtlpExporter();
        }

        return telemetry;
    }

    /// <summary>The tag <see cref="GrpcStatusTag"/> on ASP.NET Core's request metrics (http.server.request.duration):
    /// a gRPC call's HTTP status is 200 whatever its outcome, and its route is its method.</summary>
    public const string GrpcStatusTag = "rpc.grpc.status_code";

    /// <summary>Adds <see cref="GrpcStatusTag"/> to the request metrics of every gRPC call: the status the call ended
    /// with, from its trailers (or its headers, for an answer made of trailers only).</summary>
    public static void UseGrpcStatusInMetrics(this WebApplication app) => app.Use(async (context, next) =>
    {
        await next(context);
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics
            && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
            var status = trailers?["grpc-status"] is { Count: > 0 } trailed ? trailed.ToString() : context.Response.Headers["grpc-status"].ToString();
            metrics.Tags.Add(new KeyValuePair<string, object?>(GrpcStatusTag, status.Length > 0 ? status : "unknown"));
        }
    });
}
