using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Npgsql;

namespace Engine.Tests.Support;

/// <summary>
/// A real cluster on loopback, started and stopped by scripts/cluster.sh (the operator's script) from the binaries
/// next to the tests: a private PostgreSQL, silos and standalone front-ends, each its own process.
/// </summary>
public sealed class ClusterUnderTest : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, string> _environment;
    private readonly List<GrpcChannel> _channels = [];

    private ClusterUnderTest(int silos, int frontends, IReadOnlyDictionary<string, string> settings)
    {
        BasePort = FreeBase();
        _environment = new Dictionary<string, string>(settings)
        {
            ["ENGINE_BIN"] = AppContext.BaseDirectory.TrimEnd('/'),
            ["CLUSTER_BASE_PORT"] = BasePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SILOS"] = silos.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FRONTENDS"] = frontends.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["START_TIMEOUT"] = "180",
        };
    }

    public int BasePort { get; }

    public string Directory => _directory.Path;

    public string ConnectionString => File.ReadAllText(Path.Combine(Directory, "pg", "connection-string")).Trim();

    /// <summary>Starts PostgreSQL, <paramref name="silos"/> silos and <paramref name="frontends"/> front-ends.
    /// <paramref name="settings"/> become the processes' environment (Engine__Deadlines__All__Reply and the like).</summary>
    public static async Task<ClusterUnderTest> StartAsync(int silos = 3, int frontends = 2, IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new ClusterUnderTest(silos, frontends, settings ?? new Dictionary<string, string>());
        try
        {
            await cluster.RunAsync("start");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public GrpcChannel Frontend(int n) => Channel(BasePort + 50 + n);

    /// <summary>The gRPC API co-hosted by silo <paramref name="n"/>.</summary>
    public GrpcChannel Silo(int n) => Channel(BasePort + 30 + n);

    public Task KillSiloAsync(int n) => RunAsync("kill-silo", n);

    public Task StopSiloAsync(int n) => RunAsync("stop-silo", n);

    public Task StartSiloAsync(int n) => RunAsync("start-silo", n);

    public Task StopPostgresAsync() => Task.Run(() => PostgresServer.Script("stop", Path.Combine(Directory, "pg")));

    public Task StartPostgresAsync() => Task.Run(() => PostgresServer.Script("start", Path.Combine(Directory, "pg"), BasePort.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public long Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Log(string process) => File.ReadAllText(Path.Combine(Directory, process + ".log"));

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        try
        {
            await RunAsync("stop");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            _directory.Dispose();
        }
    }

    private GrpcChannel Channel(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        _channels.Add(channel);
        return channel;
    }

    private Task RunAsync(string verb, int? n = null) => Task.Run(() => RepositoryScript.Run(
        "cluster.sh",
        n is { } number ? [verb, Directory, number.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [verb, Directory],
        _environment));

    /// <summary>A base port whose whole block (PostgreSQL, silos, gateways, gRPC, dashboards, front-ends) is free, below
    /// the kernel's ephemeral range: a block inside it could be taken, between this check and the processes' binds, as
    /// the local port of some outgoing connection (a silo's to PostgreSQL, a test's to a front-end).</summary>
    private static int FreeBase()
    {
        var blocks = (EphemeralLow() - 60 - 20000) / 100;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var candidate = 20000 + (Random.Shared.Next(0, blocks) * 100);
            if (Enumerable.Range(candidate, 60).All(IsFree))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No free block of 60 loopback ports was found.");
    }

    /// <summary>The lowest port the kernel hands to outgoing connections (Linux's default is 32768).</summary>
    private static int EphemeralLow()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range) && int.TryParse(File.ReadAllText(Range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], out var low) && low > 21000
            ? low
            : 32768;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
