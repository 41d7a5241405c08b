using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Engine.Grains.Storage;

/// <summary>
/// Applies the embedded SQLite schema scripts (Storage/Schema/sqlite/NNNN-name.sql) in order, each once, each in its
/// own transaction, and records the applied versions in engine_schema. Safe to run at every start.
/// </summary>
public static class SqliteSchema
{
    private const string Prefix = "schema/sqlite/";

    public static IReadOnlyList<(int Version, string Name)> Scripts { get; } = typeof(SqliteSchema).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Select(n => (Version: int.Parse(n[..4], CultureInfo.InvariantCulture), Name: n))
        .OrderBy(s => s.Version)
        .ToArray();

    public static int LatestVersion => Scripts[^1].Version;

    /// <summary>Brings the database up to the latest schema (or to <paramref name="upTo"/>, for upgrade tests);
    /// answers the version it is at afterwards.</summary>
    public static int Apply(string connectionString, int upTo = int.MaxValue)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS engine_schema
            (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at TEXT    NOT NULL
            );
            """);

        var current = CurrentVersion(connection);
        foreach (var (version, name) in Scripts)
        {
            if (version <= current || version > upTo)
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = Read(name);
                command.ExecuteNonQuery();
            }

            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO engine_schema (version, name, applied_at) VALUES ($v, $n, $t);";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                record.ExecuteNonQuery();
            }

            transaction.Commit();
            current = version;
        }

        return current;
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM engine_schema;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException($"Schema script {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
