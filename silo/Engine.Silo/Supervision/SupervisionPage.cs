using System.Net;
using Engine.Silo.Supervision;

// In the host's namespace, like the other wiring extensions: EngineHost calls it without a using.
namespace Engine.Silo;

/// <summary>
/// The supervision page for court leaders and the service management office: what is overdue, who was urged and
/// supervised, the reply and on-time rates, a ticket's timeline. Served on the dashboard's HTTP/1.1 endpoint at
/// <see cref="Path"/> (JSON under <c>/supervision/api</c>), which also puts the dashboard behind a login when that
/// endpoint is reachable from other machines (<see cref="HttpCredentials"/>).
/// </summary>
public static class SupervisionPage
{
    public const string Path = "/supervision";
    public const string DashboardPath = "/dashboard";

    /// <summary>Checks the login settings before anything is built, so a missing one stops start-up with a line
    /// naming it. Does nothing without a dashboard endpoint.</summary>
    public static IServiceCollection AddSupervisionPage(this IServiceCollection services, IConfiguration configuration, IPEndPoint? dashboard)
    {
        if (dashboard is not null)
        {
            services.AddSingleton(new HttpAccess(
                HttpCredentials.For(dashboard, configuration[HttpCredentials.UserSetting], configuration[HttpCredentials.PasswordSetting])));
        }

        return services;
    }

    /// <summary>Maps the page and its JSON on <paramref name="dashboard"/>'s port, and asks for the login on that
    /// endpoint when one is configured.</summary>
    public static WebApplication MapSupervisionPage(this WebApplication app, IPEndPoint dashboard)
    {
        var access = app.Services.GetService<HttpAccess>()
            ?? new HttpAccess(HttpCredentials.For(dashboard, app.Configuration[HttpCredentials.UserSetting], app.Configuration[HttpCredentials.PasswordSetting]));
        if (access.Credentials is { } credentials)
        {
            app.UseMiddleware<BasicAuthentication>(credentials, dashboard.Port);
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
        if (access.Credentials is null)
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
