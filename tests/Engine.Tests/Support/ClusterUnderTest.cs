using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Npgsql;

namespace Engine.Tests.Support;

/// <summary>
/// A real cluster on loopback, started and stopped by scripts/cluster.sh (the operator's script) from the binaries
/// next to the tests: a private PostgreSQL, silos and standalone front-ends, each its own process.
/// </summary>
public sealed partial class ClusterUnderTest : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, string> _environment;
    private readonly List<GrpcChannel> _channels = [];

    private ClusterUnderTest(int silos, int frontends, IReadOnlyDictionary<string, string> settings)
    {
        BasePort = FreePorts.Block(60);
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

    /// <summary>SIGSTOP: the silo stops answering but keeps its connections, as in a long pause.</summary>
    public Task FreezeSiloAsync(int n) => RunAsync("freeze-silo", n);

    public Task ThawSiloAsync(int n) => RunAsync("thaw-silo", n);

    public Task KillFrontendAsync(int n) => RunAsync("kill-frontend", n);

    public Task FreezeFrontendAsync(int n) => RunAsync("freeze-frontend", n);

    public Task ThawFrontendAsync(int n) => RunAsync("thaw-frontend", n);

    public Task StartFrontendAsync(int n) => RunAsync("start-frontend", n);

    /// <summary>The pid of a process the script started, or null when it is not running.</summary>
    public int? Pid(string process)
    {
        var file = Path.Combine(Directory, process + ".pid");
        if (!File.Exists(file) || !int.TryParse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        try
        {
            using var running = System.Diagnostics.Process.GetProcessById(pid);
            return running.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public Task StopPostgresAsync() => Task.Run(() => PostgresServer.Script("stop", Path.Combine(Directory, "pg")));

    public Task StartPostgresAsync() => Task.Run(() => PostgresServer.Script("start", Path.Combine(Directory, "pg"), BasePort.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>An open connection to the cluster's database, not pooled: a pooled connection may be one PostgreSQL
    /// closed when a test restarted it.</summary>
    public NpgsqlConnection OpenDatabase()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>One value from the cluster's database.</summary>
    public long Scalar(string sql)
    {
        using var connection = OpenDatabase();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Log(string process) => File.ReadAllText(Path.Combine(Directory, process + ".log"));

    /// <summary>The first errors each process logged ("fail:" and "crit:" entries with a few lines after each), for a
    /// failed run's output: the cluster's directory goes with the test. Calls answered UNAVAILABLE (what a fault is
    /// expected to cause) are left out, so that what was not expected shows.</summary>
    public string ErrorExcerpts(int perProcess = 4)
    {
        var excerpts = new System.Text.StringBuilder();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.log").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            var found = 0;
            for (var i = 0; i < lines.Length && found < perProcess; i++)
            {
                if (ErrorEntry().IsMatch(lines[i]) && !(i + 1 < lines.Length && lines[i + 1].EndsWith("failed with Unavailable", StringComparison.Ordinal)))
                {
                    found++;
                    excerpts.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}:{i + 1}");
                    foreach (var line in lines.Skip(i).Take(8))
                    {
                        excerpts.AppendLine(line);
                    }
                }
            }
        }

        return excerpts.ToString();
    }

    /// <summary>A "fail:" or "crit:" entry, after the time cluster.sh has each entry start with.</summary>
    [GeneratedRegex(@"^([0-9:.]+ )?(fail|crit):")]
    private static partial Regex ErrorEntry();

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        try
        {
            // Thrown away: killed rather than stopped gracefully (a graceful stop, tested by the nemesis run's drains,
            // would cost 6-8 s a cluster; nothing of this one is read again).
            await RunAsync("kill");
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

    private Task<string> RunAsync(string verb, int? n = null) => Task.Run(() => RepositoryScript.Run(
        "cluster.sh",
        n is { } number ? [verb, Directory, number.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [verb, Directory],
        _environment));
}
