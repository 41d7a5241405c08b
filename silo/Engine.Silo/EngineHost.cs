using Engine.Api;
using Engine.Api.Security;
using Engine.Api.Services;
using Engine.Contracts.Grains;
using Engine.Grains;
using Engine.Grains.Tickets;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Grains.Cases;
using Engine.Grains.Deadlines;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;

namespace Engine.Silo;

/// <summary>Builds and runs the single-process engine: silo, co-hosted gRPC API, dashboard.</summary>
public static class EngineHost
{
    /// <summary>Short command-line switches: <c>--grpc 127.0.0.1:50051 --data ./data</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--grpc"] = "Engine:GrpcEndpoint",
        ["--dashboard"] = "Engine:DashboardEndpoint",
        ["--data"] = "Engine:Storage:DataDirectory",
        ["--silo-port"] = "Engine:SiloPort",
        ["--gateway-port"] = "Engine:GatewayPort",
        ["--import"] = "Engine:ImportDirectory",
        ["--import-knowledge"] = "Engine:ImportKnowledge",
        ["--storage"] = "Engine:Storage:Provider",
        ["--connection"] = "Engine:Storage:ConnectionString",
        ["--advertise"] = "Engine:AdvertisedAddress",
        ["--cluster-id"] = "Engine:ClusterId",
        ["--nodes"] = "Engine:Cases:ProgressNodesFile",
    };

    public static Task<int> RunAsync(string[] args) => Hosting.RunAsync("engine", () => Build(args), StartAsync, Explain);

    /// <summary>Starts the app; the configured directory file, if any, is imported before it listens
    /// (<see cref="DirectoryImportAtStart"/>).</summary>
    public static Task StartAsync(WebApplication app) => app.StartAsync();

    /// <param name="configureServices">Runs before the engine's own registrations (which only fill what is missing):
    /// tests put a fake clock there.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configureServices?.Invoke(builder.Services);
        builder.Configuration.AddCommandLine(args, Switches.ToDictionary());
        var options = builder.Configuration.GetSection("Engine").Get<EngineOptions>() ?? new EngineOptions();
        var storage = builder.Configuration.GetSection("Engine:Storage").Get<StorageOptions>() ?? new StorageOptions();
        Hosting.Validate(new EngineOptionsValidator(), options);
        Hosting.Validate(new StorageOptionsValidator(), storage);
        var grpc = Hosting.ParseEndpoint(options.GrpcEndpoint, "Engine:GrpcEndpoint");
        var dashboard = string.IsNullOrEmpty(options.DashboardEndpoint) ? null : Hosting.ParseEndpoint(options.DashboardEndpoint, "Engine:DashboardEndpoint");
        var security = Hosting.ReadSecurity(builder.Configuration, "Engine:Security", ("Engine:GrpcEndpoint", grpc), ("Engine:DashboardEndpoint", dashboard));
        if (storage.Provider == StorageProvider.Sqlite)
        {
            CheckDataDirectory(storage.DataDirectory);
        }
        else
        {
            ReadyPoolThreads();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(grpc, security);
            if (dashboard is not null)
            {
                kestrel.Listen(dashboard, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });

        builder.UseOrleans(silo =>
        {
            if (storage.Provider == StorageProvider.Postgres)
            {
                // Membership in PostgreSQL: silos find each other, and front-ends find the silos' gateways, there.
                silo.UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = PostgresInvariant;
                    clustering.ConnectionString = storage.PostgresMembershipConnectionString;
                });
                silo.UseAdoNetReminderService(reminders =>
                {
                    reminders.Invariant = PostgresInvariant;
                    reminders.ConnectionString = storage.PostgresMembershipConnectionString;
                });
                silo.Configure<Orleans.Configuration.ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = options.ClusterId;
                    cluster.ServiceId = options.ServiceId;
                });
                silo.ConfigureEndpoints(Hosting.ParseAddress(options.AdvertisedAddress, "Engine:AdvertisedAddress"), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
                Membership.Configure(silo.Services, builder.Configuration.GetSection(Membership.Section));
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, null, options.ServiceId, options.ClusterId);
            }

            // Orleans' scheduling options by their names (e.g. Engine:Scheduling:TurnWarningLengthThreshold, the grain
            // turn past which Orleans logs a warning: 1 s by default; the sizing run sets 100 ms to count long turns).
            silo.Services.Configure<Orleans.Configuration.SchedulingOptions>(builder.Configuration.GetSection("Engine:Scheduling"));
            silo.AddActivityPropagation();
            silo.AddEngineStorage(storage);
            if (dashboard is not null)
            {
                silo.AddDashboard();
            }
        });
        builder.Services.AddSingleton(options);
        builder.Services.Configure<TicketPolicyOptions>(builder.Configuration.GetSection("Engine:Tickets"));
        if (storage.Provider == StorageProvider.Postgres)
        {
            // Each wake is an activation that reads the database inside its turn: on PostgreSQL no more of them at once
            // than the pool has connections, so that none holds a thread waiting for one (decision 75). The section
            // below may set another bound.
            builder.Services.Configure<DeadlineOptions>(deadlines => deadlines.MaxWakesPerSilo = storage.PostgresMaxPoolSize);
        }

        builder.Services.Configure<DeadlineOptions>(builder.Configuration.GetSection("Engine:Deadlines"));
        builder.Services.Configure<Engine.Grains.Knowledge.KnowledgeOptions>(builder.Configuration.GetSection("Engine:Knowledge"));
        builder.Services.Configure<CaseOptions>(builder.Configuration.GetSection(CaseOptionsValidator.Section));
        builder.Services.Configure<Engine.Grains.Judges.JudgeOptions>(builder.Configuration.GetSection(Engine.Grains.Judges.JudgeOptionsValidator.Section));
        builder.Services.Configure<EventStreamOptions>(builder.Configuration.GetSection("Engine:Events"));
        builder.Services.Configure<CallWaitOptions>(builder.Configuration.GetSection("Engine:Calls"));
        builder.Services.Configure<EventRetentionOptions>(builder.Configuration.GetSection("Engine:Events:Retention"));
        builder.Services.Configure<SecurityOptions>(builder.Configuration.GetSection("Engine:Security"));
        // Before the API's key refresher, so that its first load already finds the first admin key.
        builder.Services.AddHostedService<AdminKeyBootstrap>();
        // After the silo (registered by UseOrleans above), before the gRPC listener.
        builder.Services.AddHostedService<DirectoryImportAtStart>();
        builder.Services.AddEngineGrpc("Engine");
        builder.Services.AddEngineHealthDetail();
        var prometheus = dashboard is not null && options.Telemetry.Prometheus;
        var telemetry = builder.AddEngineTelemetry(ServiceName);
        if (prometheus)
        {
            telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
        }

        var app = builder.Build();
        app.WarnWhenOpen(security, dashboard is null ? $"{grpc}" : $"{grpc} and {dashboard}");
        app.MapEngineGrpcWithHealth(grpc.Port);
        if (dashboard is not null)
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireHost($"*:{dashboard.Port}");
            app.MapSupervisionPage(dashboard);
            app.MapEngineHealthDetail(dashboard);
            if (prometheus)
            {
                app.MapPrometheusScrapingEndpoint(MetricsPath).RequireHost($"*:{dashboard.Port}");
            }
        }

        return app;
    }

    /// <summary>A one-line reason for a start-up failure an operator can fix, or null for anything else.</summary>
    public static string? Explain(Exception ex) => Hosting.Explain(ex) ?? ex switch
    {
        _ when Find<DatabaseFileException>(ex) is { } file => file.Message,
        _ when Find<System.Data.Common.DbException>(ex) is { } db => $"the database could not be opened or upgraded: {db.Message.ReplaceLineEndings(" ")}",
        _ when Find<System.Net.Sockets.SocketException>(ex) is { } socket => $"the database could not be reached: {socket.Message}",
        InvalidOperationException or IOException or UnauthorizedAccessException => ex.Message.ReplaceLineEndings(" "),
        _ => null,
    };

    public const string PostgresInvariant = "Npgsql";

    /// <summary>Worker threads a cluster silo's pool makes at once when work waits (decision 64, amended by 65).</summary>
    private const int ClusterPoolThreads = 32;

    /// <summary>A cluster silo reads PostgreSQL synchronously inside grain turns (decision 31): when the database stalls
    /// or comes back from a restart those reads hold the pool's threads, and a pool that grows one thread at a time left
    /// Orleans' probes unanswered until the silo was declared dead. The embedded engine does not get this: on SQLite
    /// the extra threads only contend (decision 65: 30–41 % less CPU per ticket without them on one core).</summary>
    private static void ReadyPoolThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, ClusterPoolThreads), completionPorts);
    }

    /// <summary>The service name telemetry carries unless OTEL_SERVICE_NAME gives one.</summary>
    public const string ServiceName = "court-engine-silo";

    /// <summary>The Prometheus scrape endpoint on the dashboard's port (Engine:Telemetry:Prometheus).</summary>
    public const string MetricsPath = "/metrics";

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static void CheckDataDirectory(string directory)
    {
        var full = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"data directory '{full}' is not writable: {ex.Message}");
        }
    }
}
