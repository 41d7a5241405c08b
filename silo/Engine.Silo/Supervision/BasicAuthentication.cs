using Microsoft.Net.Http.Headers;

namespace Engine.Silo.Supervision;

/// <summary>
/// Asks for <see cref="HttpCredentials"/> on everything the HTTP/1.1 endpoint serves (the Orleans dashboard and the
/// supervision page). A request is guarded when it arrived on that port, and also when its path is one of theirs
/// whatever the port: routing matches the dashboard by the Host header, which a caller of the gRPC port chooses.
/// </summary>
public sealed class BasicAuthentication(RequestDelegate next, HttpCredentials credentials, int port, ILogger<BasicAuthentication> logger)
{
    private const string Challenge = "Basic realm=\"court-engine\", charset=\"UTF-8\"";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!Guards(context) || credentials.Accepts(context.Request.Headers.Authorization))
        {
            await next(context);
            return;
        }

        if (context.Request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            SupervisionLog.CredentialsRefused(logger, context.Connection.RemoteIpAddress, context.Request.Path);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = Challenge;
        context.Response.Headers.CacheControl = "no-store";
    }

    private bool Guards(HttpContext context) =>
        context.Connection.LocalPort == port
        || context.Request.Path.StartsWithSegments(SupervisionPage.Path, StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments(SupervisionPage.DashboardPath, StringComparison.OrdinalIgnoreCase);
}
