using Npgsql;

namespace Engine.Tests.Support;

/// <summary>
/// A private PostgreSQL started from the machine's binaries by scripts/postgres.sh (the script the cluster uses):
/// its own data directory under /tmp and a free loopback port. <see cref="Shared"/> is one server for the whole test
/// run, stopped when the run ends; tests get a fresh database each from <see cref="CreateDatabase"/>.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<PostgresServer> SharedServer = new(() =>
    {
        var server = new PostgresServer();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    private readonly TempDirectory _directory = new();

    public PostgresServer()
    {
        Port = FreePorts.Next();
        Script("start", _directory.Path, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ConnectionString = File.ReadAllText(System.IO.Path.Combine(_directory.Path, "connection-string")).Trim();
    }

    public static PostgresServer Shared => SharedServer.Value;

    public int Port { get; }

    /// <summary>The connection string of the "engine" database the script created.</summary>
    public string ConnectionString { get; }

    /// <summary>A new, empty database on this server; answers its connection string.</summary>
    public string CreateDatabase()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name};";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public void Stop() => Script("stop", _directory.Path);

    /// <summary>Stops the server as a crash would (immediate shutdown).</summary>
    public void Kill() => Script("kill", _directory.Path);

    public void Start() => Script("start", _directory.Path, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            _directory.Dispose();
        }
    }

    /// <summary>Runs scripts/postgres.sh (copied next to the tests).</summary>
    public static string Script(string verb, params string[] args) => RepositoryScript.Run("postgres.sh", [verb, .. args]);
}
