using System.Net;
using Engine.Api.Security;
using Engine.Silo.Supervision;
using Microsoft.Extensions.Options;

// In the host's namespace, like the other wiring extensions: EngineHost calls it without a using.
namespace Engine.Silo;

/// <summary>
/// The supervision page for court leaders and the service management office: what is overdue, who was urged and
/// supervised, the reply and on-time rates, a ticket's timeline. Served on the dashboard's HTTP/1.1 endpoint at
/// <see cref="Path"/> (JSON under <c>/supervision/api</c>). When authentication is required, the page and the
/// dashboard ask for an admin's or supervisor's API key (<see cref="BasicAuthentication"/>).
/// </summary>
public static class SupervisionPage
{
    public const string Path = "/supervision";
    public const string DashboardPath = "/dashboard";

    /// <summary>Maps the page and its JSON on <paramref name="dashboard"/>'s port, behind the key login when
    /// authentication is required.</summary>
    public static WebApplication MapSupervisionPage(this WebApplication app, IPEndPoint dashboard)
    {
        var guarded = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.Authentication == AuthenticationMode.Required;
        if (guarded)
        {
            app.UseMiddleware<BasicAuthentication>(dashboard.Port);
        }

        var page = app.MapGroup(Path).RequireHost($"*:{dashboard.Port}");
        page.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return await next(context);
        });
        page.MapGet(string.Empty, (HttpContext context) => SupervisionAssets.Serve(context, SupervisionAssets.Html));
        page.MapGet("/" + SupervisionAssets.Script, (HttpContext context) => SupervisionAssets.Serve(context, SupervisionAssets.Script));
        page.MapGet("/" + SupervisionAssets.Style, (HttpContext context) => SupervisionAssets.Serve(context, SupervisionAssets.Style));

        var api = page.MapGroup("/api");
        api.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
        SupervisionApi.Map(api);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SupervisionPage).FullName!);
        if (!guarded)
        {
            SupervisionLog.ServingOpen(logger, dashboard);
        }
        else
        {
            SupervisionLog.ServingGuarded(logger, dashboard);
        }

        return app;
    }
}
