using System.Collections.Immutable;
using System.Text;
using Engine.Contracts;
using Engine.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Storage;

/// <summary>Reads the events table. Each read is one snapshot (a read transaction), so "scanned up to the head" is
/// exact: no event at or below it can appear later, because sequences are assigned in commit order.</summary>
public sealed class SqliteEventLog(IOptions<StorageOptions> options)
{
    private readonly string _connectionString = options.Value.ConnectionString;

    public EventBatch Read(long after, EventFilter filter, int max)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var snapshot = connection.BeginTransaction(deferred: true);
        var head = Head(connection, snapshot);
        using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        var sql = new StringBuilder("""
            SELECT sequence, aggregate_id, aggregate_version, event_type, at_ms, actor, court_id, kind, payload
            FROM events WHERE sequence > $after AND sequence <= $head
            """);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$head", head);
        In(command, sql, "event_type", "$t", filter.Types.Select(t => (object)t));
        In(command, sql, "court_id", "$c", filter.Courts.Select(c => (object)c));
        In(command, sql, "kind", "$k", filter.Kinds.Select(k => (object)(int)k));
        sql.Append(" ORDER BY sequence LIMIT $max;");
        command.Parameters.AddWithValue("$max", max);
        command.CommandText = sql.ToString();

        var events = ImmutableArray.CreateBuilder<LoggedEvent>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                events.Add(new LoggedEvent(
                    reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6), (TicketKind)reader.GetInt32(7), (byte[])reader[8]));
            }
        }

        var scanned = events.Count < max ? head : events[^1].Sequence;
        return new EventBatch(events.ToImmutable(), Math.Max(scanned, after));
    }

    public long Head()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return Head(connection, null);
    }

    private static long Head(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(sequence), 0) FROM events;";
        return (long)command.ExecuteScalar()!;
    }

    private static void In(SqliteCommand command, StringBuilder sql, string column, string prefix, IEnumerable<object> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = prefix + names.Count;
            command.Parameters.AddWithValue(name, value);
            names.Add(name);
        }

        if (names.Count > 0)
        {
            sql.Append(" AND ").Append(column).Append(" IN (").Append(string.Join(", ", names)).Append(')');
        }
    }
}
