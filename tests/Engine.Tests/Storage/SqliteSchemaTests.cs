using Engine.Grains.Storage;
using Engine.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Engine.Tests.StorageTests;

/// <summary>The embedded schema scripts and how they are applied.</summary>
public sealed class SqliteSchemaTests
{
    [Fact]
    public void The_scripts_are_numbered_from_one_without_gaps()
    {
        var versions = SqliteSchema.Scripts.Select(s => s.Version).ToArray();

        Assert.Equal(Enumerable.Range(1, versions.Length), versions);
        Assert.All(SqliteSchema.Scripts, s => Assert.EndsWith(".sql", s.Name, StringComparison.Ordinal));
        Assert.Equal(versions[^1], SqliteSchema.LatestVersion);
    }

    [Fact]
    public void A_fresh_database_is_brought_to_the_latest_version()
    {
        using var directory = new TempDirectory();
        var connectionString = ConnectionString(directory);

        var version = SqliteSchema.Apply(connectionString);

        Assert.Equal(SqliteSchema.LatestVersion, version);
        using var connection = Open(connectionString);
        Assert.Equal(SqliteSchema.LatestVersion, SqliteSchema.CurrentVersion(connection));
        Assert.Equal("wal", Query(connection, "PRAGMA journal_mode;").Single());
        Assert.Superset(
            new HashSet<string>(["engine_schema", "OrleansQuery", "OrleansStorage", "tickets", "ticket_idempotency"]),
            Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table';").ToHashSet());
    }

    [Fact]
    public void A_database_at_an_older_version_is_upgraded_and_keeps_its_data()
    {
        using var directory = new TempDirectory();
        var connectionString = ConnectionString(directory);
        Assert.Equal(2, SqliteSchema.Apply(connectionString, upTo: 2));
        using (var connection = Open(connectionString))
        {
            Execute(connection, """
                INSERT INTO ticket_idempotency (channel, idempotency_key, ticket_id) VALUES (1, 'older-key', 'T-older');
                """);
            Assert.DoesNotContain("judge_courts", Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table';"));
        }

        Assert.Equal(SqliteSchema.LatestVersion, SqliteSchema.Apply(connectionString));

        using var upgraded = Open(connectionString);
        Assert.Contains("judge_courts", Query(upgraded, "SELECT name FROM sqlite_master WHERE type = 'table';"));
        Assert.Equal(["T-older"], Query(upgraded, "SELECT ticket_id FROM ticket_idempotency;"));
    }

    [Fact]
    public void Applying_the_schema_again_is_harmless_and_records_each_script_once()
    {
        using var directory = new TempDirectory();
        var connectionString = ConnectionString(directory);
        SqliteSchema.Apply(connectionString);
        using (var connection = Open(connectionString))
        {
            Execute(connection, """
                INSERT INTO tickets (ticket_id, version, channel, idempotency_key, kind, state, assignee_type, assignee_id,
                                     created_at_ms, updated_at_ms, payload)
                VALUES ('T-kept', 1, 1, 'key-kept', 1, 3, 1, 'judge-1', 0, 0, x'00');
                """);
        }

        var second = SqliteSchema.Apply(connectionString);
        var third = SqliteSchema.Apply(connectionString);

        Assert.Equal(SqliteSchema.LatestVersion, second);
        Assert.Equal(SqliteSchema.LatestVersion, third);
        using var check = Open(connectionString);
        Assert.Equal(
            SqliteSchema.Scripts.Select(s => $"{s.Version}:{s.Name}"),
            Query(check, "SELECT version || ':' || name FROM engine_schema ORDER BY version;"));
        Assert.Equal(["T-kept"], Query(check, "SELECT ticket_id FROM tickets;"));
    }

    [Fact]
    public void A_database_at_an_older_version_gets_only_the_newer_scripts()
    {
        using var directory = new TempDirectory();
        var connectionString = ConnectionString(directory);
        Assert.Equal(1, SqliteSchema.Apply(connectionString, upTo: 1));
        using (var connection = Open(connectionString))
        {
            Execute(connection, "INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdHash, GrainTypeHash, ModifiedOn, Version) VALUES ('svc', 'kept', 0, 0, 0, 0, 'now', 7);");
        }

        var version = SqliteSchema.Apply(connectionString);

        Assert.Equal(SqliteSchema.LatestVersion, version);
        using var check = Open(connectionString);
        Assert.Equal(SqliteSchema.Scripts.Select(s => s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)), Query(check, "SELECT version FROM engine_schema ORDER BY version;"));
        Assert.Equal(["7"], Query(check, "SELECT Version FROM OrleansStorage WHERE GrainTypeString = 'kept';"));
        Assert.Equal(["0"], Query(check, "SELECT COUNT(*) FROM tickets;"));
    }

    private static string ConnectionString(TempDirectory directory) => new StorageOptions { DataDirectory = directory.Path }.ConnectionString;

    private static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
