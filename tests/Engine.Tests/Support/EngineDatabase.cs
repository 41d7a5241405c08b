using Microsoft.Data.Sqlite;

namespace Engine.Tests.Support;

/// <summary>Reads an engine's SQLite file directly (read-only, unpooled), to check what is stored.</summary>
public static class EngineDatabase
{
    /// <summary>What every write of the engine changes: the head of the log, the tickets and their versions, the
    /// idempotency keys, the grain states (cases, courts) and their versions, cursors, judges' courts and leaves. The
    /// look-up guard and the lockout it records (event case.lookup_locked) are left out: a refused look-up is meant to
    /// count against the caller, and the one that locks a pair to be on record.</summary>
    private const string StoredStateSql = """
        SELECT (SELECT coalesce(max(sequence), 0) FROM events WHERE event_type <> 'case.lookup_locked')
            || ' tickets ' || (SELECT count(*) || '/' || total(version) FROM tickets)
            || ' keys ' || (SELECT count(*) FROM ticket_idempotency)
            || ' grains ' || (SELECT count(*) || '/' || total(Version) FROM OrleansStorage WHERE GrainTypeString NOT LIKE '%lookup%')
            || ' cursors ' || (SELECT count(*) || '/' || total(sequence) FROM subscription_cursors)
            || ' judges ' || (SELECT count(*) FROM judge_courts)
            || ' leaves ' || (SELECT count(*) FROM leave_starts)
        """;

    public static long Scalar(string dataDirectory, string sql) => (long)Query(dataDirectory, sql);

    public static string Text(string dataDirectory, string sql) => (string)Query(dataDirectory, sql);

    /// <summary>A line that changes whenever the engine stores anything (see <see cref="StoredStateSql"/>).</summary>
    public static string StoredState(string dataDirectory) => (string)Query(dataDirectory, StoredStateSql);

    /// <summary>Changes the file under a running engine (a test's trigger, say): SQLite's log lets it, and the
    /// engine's statements are prepared again when the schema changes.</summary>
    public static void Execute(string dataDirectory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "engine.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of every row <paramref name="sql"/> answers, as text.</summary>
    public static IReadOnlyList<string> Column(string dataDirectory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "engine.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static object Query(string dataDirectory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "engine.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()!;
    }
}
