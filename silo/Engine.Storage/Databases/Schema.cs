using System.Data.Common;
using System.Globalization;
using System.Reflection;

namespace Engine.Storage.Databases;

/// <summary>
/// Applies the embedded schema scripts of a database (Engine.Storage's Schema/&lt;sqlite|postgres&gt;/NNNN-name.sql) in order,
/// each once, each in its own transaction, and records the applied versions in engine_schema. Safe to run at every
/// start, and from several silos at once (they take turns).
/// </summary>
public static class Schema
{
    private const string Prefix = "schema/";

    /// <summary>The scripts of one folder (sqlite or postgres), in version order.</summary>
    public static IReadOnlyList<(int Version, string Name)> Scripts(string folder) => typeof(Schema).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix + folder + "/", StringComparison.Ordinal))
        .Select(n => n[(Prefix.Length + folder.Length + 1)..])
        .Select(n => (Version: int.Parse(n[..4], CultureInfo.InvariantCulture), Name: n))
        .OrderBy(s => s.Version)
        .ToArray();

    public static int LatestVersion(string folder) => Scripts(folder)[^1].Version;

    /// <summary>Brings the database up to the latest schema (or to <paramref name="upTo"/>, for upgrade tests);
    /// answers the version it is at afterwards.</summary>
    public static int Apply(Database database, int upTo = int.MaxValue)
    {
        using var connection = database.Open();
        Execute(connection, database.BeforeSchemaSql);
        try
        {
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS engine_schema
                (
                    version    INTEGER NOT NULL PRIMARY KEY,
                    name       TEXT    NOT NULL,
                    applied_at TEXT    NOT NULL
                );
                """);

            var current = CurrentVersion(connection);
            foreach (var (version, name) in Scripts(database.SchemaFolder))
            {
                if (version <= current || version > upTo)
                {
                    continue;
                }

                // A writing transaction (SQLite: BEGIN IMMEDIATE) that looks again: another applier that got here
                // first has recorded the script, and this one then leaves it alone.
                using var transaction = connection.BeginTransaction();
                if (CurrentVersion(connection, transaction) >= version)
                {
                    current = version;
                    continue;
                }

                using (var command = connection.Command(Read(database.SchemaFolder, name), transaction))
                {
                    command.ExecuteNonQuery();
                }

                using (var record = connection.Command("INSERT INTO engine_schema (version, name, applied_at) VALUES (@v, @n, @t);", transaction))
                {
                    record.Add("@v", version);
                    record.Add("@n", name);
                    record.Add("@t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                    record.ExecuteNonQuery();
                }

                transaction.Commit();
                current = version;
            }

            return current;
        }
        finally
        {
            if (database.AfterSchemaSql is { } after && connection.State == System.Data.ConnectionState.Open)
            {
                Execute(connection, after);
            }
        }
    }

    public static int CurrentVersion(DbConnection connection, DbTransaction? transaction = null)
    {
        using var command = connection.Command("SELECT COALESCE(MAX(version), 0) FROM engine_schema;", transaction);
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.Command(sql);
        command.ExecuteNonQuery();
    }

    private static string Read(string folder, string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"{Prefix}{folder}/{name}")
            ?? throw new InvalidOperationException($"Schema script {folder}/{name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
