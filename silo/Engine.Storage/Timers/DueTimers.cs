using Engine.Storage.Databases;
using Engine.Storage.Tickets;

namespace Engine.Storage.Timers;

public sealed class DueTimers(Database database) : IDueTimers
{
    /// <summary>The shard of an owner (the deadline shards' hash and count).</summary>
    public static int ShardOf(string ownerKey) => DeadlineShards.Of(ownerKey);

    /// <summary>Sets an owner's row (@o, @t, @s): the one spelling of it, also used by writers that set the row in their
    /// own transaction (<see cref="Judges.JudgeTimerStore"/>).</summary>
    internal const string UpsertSql =
        "INSERT INTO due_timers (owner_key, due_at_ms, due_shard) VALUES (@o, @t, @s) ON CONFLICT (owner_key) DO UPDATE SET due_at_ms = excluded.due_at_ms, due_shard = excluded.due_shard;";

    /// <summary>Makes one owner's wake no later than @t (adding the owner when it has none). CASE rather than MIN/LEAST:
    /// the one spelling both databases read.</summary>
    internal const string PullEarlierSql = """
        INSERT INTO due_timers (owner_key, due_at_ms, due_shard) VALUES (@o, @t, @s)
        ON CONFLICT (owner_key) DO UPDATE SET due_at_ms = CASE WHEN excluded.due_at_ms < due_timers.due_at_ms THEN excluded.due_at_ms ELSE due_timers.due_at_ms END;
        """;

    /// <summary>Forgets an owner's row (@o).</summary>
    internal const string ForgetSql = "DELETE FROM due_timers WHERE owner_key = @o;";

    public void Schedule(string ownerKey, DateTimeOffset? dueAt)
    {
        if (dueAt is { } at)
        {
            // A row already at that moment is not written again: a wake that repeats one (the shard gave up waiting for
            // the first, which went on) finds it so, and on SQLite a write, even of nothing, waits for the one writer.
            var ms = DueColumns.Milliseconds(at);
            if (Find(ownerKey) is { } stored && stored.ToUnixTimeMilliseconds() == ms)
            {
                return;
            }

            database.Execute(UpsertSql, ("@o", ownerKey), ("@t", ms), ("@s", ShardOf(ownerKey)));
        }
        else
        {
            database.Execute(ForgetSql, ("@o", ownerKey));
        }
    }

    public void PullEarlier(IReadOnlyCollection<(string OwnerKey, DateTimeOffset DueAt)> wakes)
    {
        if (wakes.Count == 0)
        {
            return;
        }

        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = PullEarlierSql;
        var owner = command.Add("@o", null);
        var due = command.Add("@t", null);
        var shard = command.Add("@s", null);
        foreach (var (ownerKey, dueAt) in wakes)
        {
            owner.Value = ownerKey;
            due.Value = dueAt.ToUnixTimeMilliseconds();
            shard.Value = ShardOf(ownerKey);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public int PullAllEarlier(DateTimeOffset now) =>
        database.Execute("UPDATE due_timers SET due_at_ms = @now WHERE due_at_ms > @now;", ("@now", now.ToUnixTimeMilliseconds()));

    public DateTimeOffset? Find(string ownerKey)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT due_at_ms FROM due_timers WHERE owner_key = @o;";
        command.Add("@o", ownerKey);
        return command.ExecuteScalar() is { } ms and not DBNull ? DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(ms, System.Globalization.CultureInfo.InvariantCulture)) : null;
    }

    public IReadOnlyList<(string OwnerKey, DateTimeOffset DueAt)> Due(int shard, DateTimeOffset now, int limit, DateTimeOffset? after = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT owner_key, due_at_ms FROM due_timers WHERE due_shard = @s AND due_at_ms > @after AND due_at_ms <= @now ORDER BY due_at_ms LIMIT @limit;";
        command.Add("@s", shard);
        command.Add("@after", after?.ToUnixTimeMilliseconds() ?? long.MinValue);
        command.Add("@now", now.ToUnixTimeMilliseconds());
        command.Add("@limit", limit);
        var due = new List<(string, DateTimeOffset)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            due.Add((reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        }

        return due;
    }
}

/// <summary>Owners' rows set or forgotten inside a writer's own transaction (a group committer's batch), with the one
/// spelling of each statement: a change and the owner's next wake commit together.</summary>
internal sealed class DueTimerRows : IDisposable
{
    private readonly System.Data.Common.DbCommand _set;
    private readonly System.Data.Common.DbCommand _forget;

    public DueTimerRows(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction)
    {
        _set = connection.Command(DueTimers.UpsertSql, transaction);
        _forget = connection.Command(DueTimers.ForgetSql, transaction);
        _set.Add("@o", null);
        _set.Add("@t", null);
        _set.Add("@s", null);
        _forget.Add("@o", null);
    }

    /// <summary>Sets <paramref name="ownerKey"/>'s row to <paramref name="dueAt"/>, or forgets it when null.</summary>
    public void Set(string ownerKey, DateTimeOffset? dueAt)
    {
        if (dueAt is { } at)
        {
            _set.Parameters["@o"].Value = ownerKey;
            _set.Parameters["@t"].Value = DueColumns.Milliseconds(at);
            _set.Parameters["@s"].Value = DueTimers.ShardOf(ownerKey);
            _set.ExecuteNonQuery();
        }
        else
        {
            _forget.Parameters["@o"].Value = ownerKey;
            _forget.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        _set.Dispose();
        _forget.Dispose();
    }
}

