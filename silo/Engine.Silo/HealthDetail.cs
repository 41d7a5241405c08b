using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Engine.Grains.Calendars;

namespace Engine.Silo;

/// <summary>
/// The engine's health in detail, as JSON on the dashboard's HTTP/1.1 endpoint at <see cref="Path"/> (behind the same
/// key login as the supervision page when authentication is required). Load balancers keep using the gRPC health
/// service, which says only SERVING; this says what an operator should act on, e.g. a missing working calendar
/// ("Degraded": the engine works, and counts that year provisionally).
/// </summary>
public static class HealthDetail
{
    public const string Path = "/health";

    public static IServiceCollection AddEngineHealthDetail(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<CalendarHealthCheck>("calendars");

        // The health service logs every Degraded answer; operators polling /health would flood the log with what the
        // calendar watch already says once a day.
        services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Error));
        return services;
    }

    public static WebApplication MapEngineHealthDetail(this WebApplication app, IPEndPoint dashboard)
    {
        app.MapHealthChecks(Path, new HealthCheckOptions
        {
            ResponseWriter = WriteAsync,
            // Degraded is still 200: the engine serves; the body says what is wrong.
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 200, [HealthStatus.Unhealthy] = 503 },
        }).RequireHost($"*:{dashboard.Port}");
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        });
    }

    /// <summary>Degraded while this year (or, from Engine:Deadlines:CalendarWarnFrom, the next) has no working calendar.</summary>
    private sealed class CalendarHealthCheck(CalendarWatch watch) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var status = watch.Check();
            var data = new Dictionary<string, object> { ["missing_years"] = status.Missing, ["provisional_years"] = status.Provisional };
            return Task.FromResult(status.Warning is { } warning
                ? HealthCheckResult.Degraded(warning, data: data)
                : HealthCheckResult.Healthy("working calendars are stored for this year" + (status.Provisional.Count == 0 ? " and the next" : string.Empty), data));
        }
    }
}
