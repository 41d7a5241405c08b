using System.Text;
using Engine.Api.Security;
using Engine.Contracts;
using Microsoft.Net.Http.Headers;

namespace Engine.Silo.Supervision;

/// <summary>
/// When authentication is required, everything the HTTP/1.1 endpoint serves (the Orleans dashboard, the
/// supervision page, the health detail and the Prometheus scrape endpoint) asks for an API key of an admin, or of a supervisor reaching every court: as the password of
/// HTTP Basic (any user name; what a browser asks for) or as "Authorization: Bearer". A request is guarded when it
/// arrived on that port, and also when its path is one of theirs whatever the port: routing matches the dashboard by
/// the Host header, which a caller of the gRPC port chooses.
/// </summary>
public sealed class BasicAuthentication(RequestDelegate next, KeyRing keys, int port, ILogger<BasicAuthentication> logger)
{
    private const string Challenge = "Basic realm=\"court-engine\", charset=\"UTF-8\"";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!Guards(context))
        {
            await next(context);
            return;
        }

        var presented = Presented(context.Request.Headers.Authorization);
        var caller = presented is null ? null : await keys.AuthenticateAsync(presented, null);
        if (caller is { Role: AccessRole.Admin } or { Role: AccessRole.Supervisor, Scope.CourtIds.IsDefaultOrEmpty: true })
        {
            await next(context);
            return;
        }

        if (presented is not null)
        {
            SupervisionLog.CredentialsRefused(logger, context.Connection.RemoteIpAddress, context.Request.Path);
        }

        context.Response.StatusCode = caller is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        if (caller is null)
        {
            context.Response.Headers.WWWAuthenticate = Challenge;
        }

        context.Response.Headers.CacheControl = "no-store";
    }

    private bool Guards(HttpContext context) =>
        context.Connection.LocalPort == port
        || context.Request.Path.StartsWithSegments(SupervisionPage.Path, StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments(SupervisionPage.DashboardPath, StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments(EngineHost.MetricsPath, StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments(HealthDetail.Path, StringComparison.OrdinalIgnoreCase);

    /// <summary>The key in a Bearer header, or the password of a Basic one.</summary>
    private static string? Presented(string? authorization)
    {
        if (authorization is null)
        {
            return null;
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
