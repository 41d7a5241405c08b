using System.Data.Common;
using Engine.Storage.Databases;
using Engine.Tests.Support;

namespace Engine.Tests.StorageTests;

/// <summary>The embedded schema scripts and how they are applied, on each database the engine runs on.</summary>
public abstract class SchemaTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private protected abstract StorageProvider Provider { get; }

    private string Folder => Provider == StorageProvider.Sqlite ? "sqlite" : "postgres";

    [Fact]
    public void The_scripts_are_numbered_from_one_without_gaps()
    {
        var versions = Schema.Scripts(Folder).Select(s => s.Version).ToArray();

        Assert.Equal(Enumerable.Range(1, versions.Length), versions);
        Assert.All(Schema.Scripts(Folder), s => Assert.EndsWith(".sql", s.Name, StringComparison.Ordinal));
        Assert.Equal(versions[^1], Schema.LatestVersion(Folder));
    }

    [Fact]
    public void A_fresh_database_is_brought_to_the_latest_version()
    {
        var database = NewDatabase();

        var version = Schema.Apply(database);

        Assert.Equal(Schema.LatestVersion(Folder), version);
        using var connection = database.Open();
        Assert.Equal(Schema.LatestVersion(Folder), Schema.CurrentVersion(connection));
        if (Provider == StorageProvider.Sqlite)
        {
            Assert.Equal("wal", Query(connection, "PRAGMA journal_mode;").Single());
        }

        Assert.Superset(
            new HashSet<string>(["engine_schema", "orleansquery", "orleansstorage", "tickets", "ticket_idempotency", "events"]),
            Tables(connection));
    }

    [Fact]
    public void A_database_at_an_older_version_is_upgraded_and_keeps_its_data()
    {
        var database = NewDatabase();
        Assert.Equal(2, Schema.Apply(database, upTo: 2));
        using (var connection = database.Open())
        {
            Execute(connection, "INSERT INTO ticket_idempotency (channel, idempotency_key, ticket_id) VALUES (1, 'older-key', 'T-older');");
            Assert.DoesNotContain("judge_courts", Tables(connection));
        }

        Assert.Equal(Schema.LatestVersion(Folder), Schema.Apply(database));

        using var upgraded = database.Open();
        Assert.Contains("judge_courts", Tables(upgraded));
        Assert.Equal(["T-older"], Query(upgraded, "SELECT ticket_id FROM ticket_idempotency;"));
    }

    [Fact]
    public void Applying_the_schema_again_is_harmless_and_records_each_script_once()
    {
        var database = NewDatabase();
        Schema.Apply(database);
        using (var connection = database.Open())
        {
            var payload = Provider == StorageProvider.Sqlite ? "x'00'" : "'\\x00'::bytea";
            Execute(connection, $"""
                INSERT INTO tickets (ticket_id, version, channel, idempotency_key, kind, state, assignee_type, assignee_id,
                                     created_at_ms, updated_at_ms, payload)
                VALUES ('T-kept', 1, 1, 'key-kept', 1, 3, 1, 'judge-1', 0, 0, {payload});
                """);
        }

        var second = Schema.Apply(database);
        var third = Schema.Apply(database);

        Assert.Equal(Schema.LatestVersion(Folder), second);
        Assert.Equal(Schema.LatestVersion(Folder), third);
        using var check = database.Open();
        Assert.Equal(
            Schema.Scripts(Folder).Select(s => $"{s.Version}:{s.Name}"),
            Query(check, "SELECT version || ':' || name FROM engine_schema ORDER BY version;"));
        Assert.Equal(["T-kept"], Query(check, "SELECT ticket_id FROM tickets;"));
    }

    [Fact]
    public void A_database_at_an_older_version_gets_only_the_newer_scripts()
    {
        var database = NewDatabase();
        Assert.Equal(1, Schema.Apply(database, upTo: 1));
        using (var connection = database.Open())
        {
            var now = Provider == StorageProvider.Sqlite ? "'now'" : "now()";
            Execute(connection, $"INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdHash, GrainTypeHash, ModifiedOn, Version) VALUES ('svc', 'kept', 0, 0, 0, 0, {now}, 7);");
        }

        var version = Schema.Apply(database);

        Assert.Equal(Schema.LatestVersion(Folder), version);
        using var check = database.Open();
        Assert.Equal(Schema.Scripts(Folder).Select(s => s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)), Query(check, "SELECT version FROM engine_schema ORDER BY version;"));
        Assert.Equal(["7"], Query(check, "SELECT Version FROM OrleansStorage WHERE GrainTypeString = 'kept';"));
        Assert.Equal(["0"], Query(check, "SELECT COUNT(*) FROM tickets;"));
    }

    [Fact]
    public async Task Silos_applying_the_schema_at_the_same_time_apply_each_script_once()
    {
        var database = NewDatabase();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Schema.Apply(database))));

        using var check = database.Open();
        Assert.Equal(
            Schema.Scripts(Folder).Select(s => s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Query(check, "SELECT version FROM engine_schema ORDER BY version;"));
    }

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }

    private Database NewDatabase() => Database.Create(Provider == StorageProvider.Sqlite
        ? new StorageOptions { DataDirectory = _directory.Path }
        : new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = PostgresServer.Shared.CreateDatabase() });

    private HashSet<string> Tables(DbConnection connection) => Query(connection, Provider == StorageProvider.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table';"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public';")
        .Select(t => t.ToLowerInvariant()).ToHashSet();

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.Command(sql);
        command.ExecuteNonQuery();
    }

    private static List<string> Query(DbConnection connection, string sql)
    {
        using var command = connection.Command(sql);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}

public sealed class SchemaTestsOnSqlite : SchemaTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class SchemaTestsOnPostgres : SchemaTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
