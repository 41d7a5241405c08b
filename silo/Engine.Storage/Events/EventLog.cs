using System.Collections.Immutable;
using System.Text;
using Engine.Contracts;
using Engine.Domain;
using System.Data.Common;
using Engine.Storage.Databases;

namespace Engine.Storage.Events;

/// <summary>Reads the events table. Each read is one snapshot (a read transaction), so "scanned up to the head" is
/// exact: no event at or below it can appear later, because sequences are assigned in commit order.</summary>
public sealed class EventLog(Database database) : IEventLog
{
    public EventBatch Read(long after, EventFilter filter, int max)
    {
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        var (head, accessRevision) = HeadAndAccessRevision(connection, snapshot);
        using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        var sql = new StringBuilder("""
            SELECT sequence, aggregate_id, aggregate_version, event_type, at_ms, actor, court_id, kind, payload
            FROM events WHERE sequence > @after AND sequence <= @head
            """);
        command.Add("@after", after);
        command.Add("@head", head);
        In(command, sql, "event_type", "@t", filter.Types.Select(t => (object)t));
        In(command, sql, "court_id", "@c", filter.Courts.Select(c => (object)c));
        In(command, sql, "kind", "@k", filter.Kinds.Select(k => (object)(int)k));
        if (filter.MemberCount > 0)
        {
            sql.Append(" AND aggregate_hash % @members = @member");
            command.Add("@members", filter.MemberCount);
            command.Add("@member", filter.MemberIndex);
        }
        sql.Append(" ORDER BY sequence LIMIT @max;");
        command.Add("@max", max);
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
        return new EventBatch(events.ToImmutable(), Math.Max(scanned, after), accessRevision);
    }

    public long Earliest()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MIN(sequence), ({database.LastSequenceSql}) FROM events;";
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.IsDBNull(0) ? Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) + 1 : reader.GetInt64(0);
    }

    public long? GetCursor(string subscription, int memberIndex)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence FROM subscription_cursors WHERE name = @n AND member_index = @m;";
        command.Add("@n", subscription);
        command.Add("@m", memberIndex);
        return command.ExecuteScalar() is long sequence ? sequence : null;
    }

    public long CommitCursor(string subscription, int memberIndex, long sequence, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO subscription_cursors (name, member_index, sequence, updated_at_ms) VALUES (@n, @m, @s, @t)
            ON CONFLICT (name, member_index) DO UPDATE SET sequence = CASE WHEN excluded.sequence > subscription_cursors.sequence THEN excluded.sequence ELSE subscription_cursors.sequence END, updated_at_ms = excluded.updated_at_ms
            RETURNING sequence;
            """;
        command.Add("@n", subscription);
        command.Add("@m", memberIndex);
        command.Add("@s", sequence);
        command.Add("@t", now.ToUnixTimeMilliseconds());
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The last event older than @since, read through <c>ix_events_at</c> from the oldest. The unary plus keeps
    /// SQLite, which has no statistics, from walking the primary key back from the newest event through every event kept
    /// (docs/decisions.md, entry 71).</summary>
    internal const string OlderThanSql = "SELECT COALESCE(MAX(+sequence), 0) FROM events WHERE at_ms < @since;";

    /// <summary>Removes events as the retention settings allow: older than <paramref name="keepSince"/> or beyond the
    /// newest <paramref name="keepEvents"/>, but never one a named subscription has not committed, unless that
    /// subscription lags more than <paramref name="maxSubscriptionLag"/> events (0: subscriptions always protect).
    /// Answers how many were removed.</summary>
    public int Trim(DateTimeOffset? keepSince, long keepEvents, long maxSubscriptionLag)
    {
        using var connection = database.Open();
        var head = Head(connection, null);
        long cut = 0;
        if (keepEvents > 0)
        {
            cut = Math.Max(cut, head - keepEvents);
        }

        if (keepSince is { } since)
        {
            using var old = connection.CreateCommand();
            old.CommandText = OlderThanSql;
            old.Add("@since", since.ToUnixTimeMilliseconds());
            cut = Math.Max(cut, (long)old.ExecuteScalar()!);
        }

        using (var protect = connection.CreateCommand())
        {
            protect.CommandText = "SELECT MIN(sequence) FROM subscription_cursors WHERE @lag = 0 OR @head - sequence <= @lag;";
            protect.Add("@lag", maxSubscriptionLag);
            protect.Add("@head", head);
            if (protect.ExecuteScalar() is long slowest)
            {
                cut = Math.Min(cut, slowest);
            }
        }

        if (cut <= 0)
        {
            return 0;
        }

        return database.Execute("DELETE FROM events WHERE sequence <= @cut;", ("@cut", cut));
    }

    public long Head()
    {
        using var connection = database.Open();
        return Head(connection, null);
    }

    /// <summary>The head of the log and the key table's revision, in one statement of the read's snapshot, so that a
    /// stream can tell that every event it read was written before any key change not counted in that revision (decision
    /// 37): the key table and the log share the database for this.</summary>
    private static (long Head, long AccessRevision) HeadAndAccessRevision(DbConnection connection, DbTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT (SELECT COALESCE(MAX(sequence), 0) FROM events), (SELECT revision FROM access_revision WHERE id = 1);";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static long Head(DbConnection connection, DbTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(sequence), 0) FROM events;";
        return (long)command.ExecuteScalar()!;
    }

    private static void In(DbCommand command, StringBuilder sql, string column, string prefix, IEnumerable<object> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = prefix + names.Count;
            command.Add(name, value);
            names.Add(name);
        }

        if (names.Count > 0)
        {
            sql.Append(" AND ").Append(column).Append(" IN (").Append(string.Join(", ", names)).Append(')');
        }
    }
}
