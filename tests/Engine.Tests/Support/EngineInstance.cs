using Engine.Silo;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>
/// The real engine host (silo, Kestrel, gRPC API) in this process on private ports and a private data directory,
/// with gRPC clients over a real HTTP/2 connection. <see cref="RestartAsync"/> stops it and starts it again on the
/// same file.
/// </summary>
public sealed class EngineInstance : IAsyncDisposable
{
    private readonly TempDirectory? _ownedData;
    private WebApplication? _app;
    private GrpcChannel? _channel;

    private readonly string[] _extraArgs;
    private readonly Action<IServiceCollection>? _services;

    private EngineInstance(string dataDirectory, TempDirectory? owned, string[] extraArgs, Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataDirectory = dataDirectory;
        _extraArgs = extraArgs;
        _ownedData = owned;
        GrpcPort = FreePorts.Next();
        DashboardPort = FreePorts.Next();
        SiloPort = FreePorts.Next();
        GatewayPort = FreePorts.Next();
    }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "engine.db");

    public int GrpcPort { get; }

    public int DashboardPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string[] Args =>
    [
        "--grpc", $"127.0.0.1:{GrpcPort}",
        "--dashboard", $"127.0.0.1:{DashboardPort}",
        "--silo-port", SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--gateway-port", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--data", DataDirectory,
        .. _extraArgs,
    ];

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("The engine is not running.");

    public V1.IntakeService.IntakeServiceClient Intake => new(Channel);

    public V1.TicketService.TicketServiceClient Tickets => new(Channel);

    public V1.CaseService.CaseServiceClient Cases => new(Channel);

    public V1.DirectoryService.DirectoryServiceClient Directory => new(Channel);

    public V1.KnowledgeService.KnowledgeServiceClient Knowledge => new(Channel);

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The engine is not running.");

    /// <param name="extraArgs">More command-line settings, e.g. "--Engine:Tickets:MergeWindow=00:00:00".</param>
    public static async Task<EngineInstance> StartAsync(string? dataDirectory = null, params string[] extraArgs)
    {
        var owned = dataDirectory is null ? new TempDirectory() : null;
        var engine = new EngineInstance(dataDirectory ?? owned!.Path, owned, extraArgs);
        await engine.StartHostAsync();
        return engine;
    }

    /// <summary>Starts an engine on <paramref name="dataDirectory"/> (kept) whose services <paramref name="services"/> adds to first.</summary>
    public static async Task<EngineInstance> StartAsync(string dataDirectory, Action<IServiceCollection> services, params string[] extraArgs)
    {
        var engine = new EngineInstance(dataDirectory, null, extraArgs, services);
        await engine.StartHostAsync();
        return engine;
    }

    /// <summary>Starts an engine whose services <paramref name="services"/> adds to first (a fake clock, say).</summary>
    public static async Task<EngineInstance> StartWithServicesAsync(Action<IServiceCollection> services, params string[] extraArgs)
    {
        var owned = new TempDirectory();
        var engine = new EngineInstance(owned.Path, owned, extraArgs, services);
        await engine.StartHostAsync();
        return engine;
    }

    /// <summary>Starts an engine on a fake clock (the engine's clock: deadlines, timers, figures) with the sample
    /// directory imported.</summary>
    public static async Task<EngineInstance> StartOnClockAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, params string[] extraArgs)
    {
        var engine = await StartWithServicesAsync(services => services.AddKeyedSingleton<TimeProvider>(Engine.Domain.EngineClock.Key, clock), extraArgs);
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        return engine;
    }

    /// <summary>Starts an engine with the sample directory imported.</summary>
    public static async Task<EngineInstance> StartWithSampleDirectoryAsync(params string[] extraArgs)
    {
        var engine = await StartAsync(null, extraArgs);
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        return engine;
    }

    public async Task StopAsync()
    {
        _channel?.Dispose();
        _channel = null;
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartHostAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _ownedData?.Dispose();
    }

    private async Task StartHostAsync()
    {
        _app = EngineHost.Build(Args, _services);
        await EngineHost.StartAsync(_app);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
    }
}
