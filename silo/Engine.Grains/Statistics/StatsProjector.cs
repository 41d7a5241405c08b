using System.Data.Common;
using Engine.Contracts;
using Engine.Grains.Deadlines;
using Engine.Storage;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Statistics;

/// <summary>
/// Keeps the statistics tables from the event log. A step reads the events after the cursor, adds them up in memory,
/// and writes the sums, the tickets and judges it remembers, and the new cursor in one transaction that holds the
/// stats lock: whichever silo runs a step, each event is counted once, and a reader of the tables sees whole batches.
/// After each step the cursor is also committed as the named subscription "engine.stats" of the log, so that
/// retention keeps the events not counted yet.
/// </summary>
/// <param name="database">Where the statistics live (<see cref="Database.CreateStats"/>).</param>
/// <param name="engine">The engine's database, which holds the log.</param>
public sealed partial class StatsProjector(
    [FromKeyedServices(StatsProjector.DatabaseKey)] Database database, Database engine, IEventLog log, IOptions<DeadlineOptions> deadlines, IOptions<EventRetentionOptions> retention,
    ILogger<StatsProjector> logger) : IDisposable
{
    public const string DatabaseKey = StorageServices.StatsDatabaseKey;
    public const string CursorName = "engine.stats";

    /// <summary>Events per step: enough to amortise the transaction, few enough that a step stays short.</summary>
    public const int BatchSize = 2000;

    private const long StatsLock = 0x7374617473; // "stats"
    private const int InListSize = 500;
    private const long RetentionGuardEvery = 2_000; // ms

    private static readonly string[] Dimensions = ["day", "court_id", "division_id", "judge_id", "kind", "sub_kind", "channel"];

    private readonly StatsCounting _counting = new(TimeZoneInfo.FindSystemTimeZoneById(deadlines.Value.TimeZone));
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _guardedAt = long.MinValue / 2;
    private long _guardedUpTo;

    internal StatsCounting Counting => _counting;

    /// <summary>Counts events until the figures include <paramref name="target"/> (or the log's head, if lower).
    /// Answers the sequence they include.</summary>
    public async Task<long> CatchUpAsync(long target, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (cursor, progressed) = await Task.Run(Step, cancellationToken);
                if (cursor >= target || !progressed)
                {
                    GuardRetention(cursor);
                    return cursor;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets every figure; the next steps count the whole log again. The court tree (stats_courts) is the
    /// directory, not a figure: it stays, and the directory events the log still holds are counted over it again, so
    /// retention cannot take a court out of its parent's figures (decision 59).</summary>
    public async Task ResetAsync()
    {
        await _gate.WaitAsync();
        try
        {
            using var connection = database.Open();
            using var transaction = database.BeginExclusive(connection, StatsLock);
            foreach (var table in new[] { "stats_daily", "stats_reply_times", "stats_terms", "stats_ratings", "stats_citations", "stats_tickets", "stats_judges", "stats_steps", "stats_cursor" })
            {
                using var delete = connection.Command($"DELETE FROM {table};", transaction);
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
            engine.Execute("DELETE FROM subscription_cursors WHERE name = @n;", ("@n", CursorName));
            (_guardedAt, _guardedUpTo) = (long.MinValue / 2, 0);
            Log.Reset(logger);
        }
        finally
        {
            _gate.Release();
        }
    }

    public long Cursor()
    {
        using var connection = database.Open();
        return ReadCursor(connection, null);
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>One batch. The events are read and decoded before the lock is taken (so that the lock is held only
    /// to write); if another silo moved the cursor meanwhile, the batch is dropped and this step counts nothing.</summary>
    private (long Cursor, bool Progressed) Step()
    {
        var start = Cursor();
        var read = log.Read(start, EventFilter.All, BatchSize);
        if (read.ScannedUpTo <= start)
        {
            return (start, false);
        }

        if (read.Events.Length > 0 && read.Events[0].Sequence > start + 1 && start > 0)
        {
            Log.EventsMissing(logger, start + 1, read.Events[0].Sequence - 1);
        }

        var decoded = read.Events.Select(e => (Event: e, Counted: StatsEvents.Decode(e))).ToList();
        var tickets = new HashSet<string>(StringComparer.Ordinal);
        var judges = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, counted) in decoded)
        {
            StatsCounting.Needs(counted, tickets, judges);
        }

        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, StatsLock);
        if (ReadCursor(connection, transaction) != start)
        {
            return (start, true);
        }

        var batch = new StatsBatch();
        LoadTickets(connection, transaction, tickets, batch);
        LoadJudges(connection, transaction, judges, batch);
        foreach (var (e, counted) in decoded)
        {
            _counting.Apply(batch, e, counted);
        }

        Write(connection, transaction, batch);
        WriteCursor(connection, transaction, read.ScannedUpTo);
        transaction.Commit();
        return (read.ScannedUpTo, true);
    }

    /// <summary>Tells retention, when it is on, how far the statistics have counted: at most every 2 s rather than
    /// every step, because it is a write to the engine's database, whose one writer the tickets need (a write per
    /// step put SQLite's busy waits into intake's p99: 175 ms instead of 42). A guard that lags only keeps more events.</summary>
    private void GuardRetention(long counted)
    {
        if (retention.Value is { KeepDays: <= 0, KeepEvents: <= 0 })
        {
            return;
        }

        var now = Environment.TickCount64;
        if (counted > _guardedUpTo && now - _guardedAt >= RetentionGuardEvery)
        {
            log.CommitCursor(CursorName, 0, counted, DateTimeOffset.UtcNow);
            (_guardedAt, _guardedUpTo) = (now, counted);
        }
    }

    private static long ReadCursor(DbConnection connection, DbTransaction? transaction)
    {
        using var command = connection.Command("SELECT sequence FROM stats_cursor WHERE id = 0;", transaction);
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static void WriteCursor(DbConnection connection, DbTransaction transaction, long sequence)
    {
        using var command = connection.Command(
            "INSERT INTO stats_cursor (id, sequence) VALUES (0, @s) ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence;", transaction);
        command.Add("@s", sequence);
        command.ExecuteNonQuery();
    }

    private static void LoadTickets(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> ids, StatsBatch batch)
    {
        foreach (var chunk in ids.Chunk(InListSize))
        {
            using var command = connection.Command(string.Empty, transaction);
            command.CommandText = $"""
                SELECT ticket_id, court_id, division_id, judge_id, kind, sub_kind, channel,
                       dispatch_day, dispatch_court, dispatch_division, dispatch_judge, replied, overdue_since_ms,
                       filing_pending_since_ms, filing_due_ms
                FROM stats_tickets WHERE ticket_id IN ({InList(command, chunk)});
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var group = new StatsGroup(0, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6));
                batch.Tickets[reader.GetString(0)] = new TicketMemory
                {
                    Group = group,
                    Dispatch = reader.IsDBNull(7) ? null : group with
                    {
                        Day = reader.GetInt32(7), Court = reader.GetString(8), Division = reader.GetString(9), Judge = reader.GetString(10),
                    },
                    Replied = reader.GetInt32(11) != 0,
                    OverdueSinceMs = reader.IsDBNull(12) ? null : reader.GetInt64(12),
                    FilingPendingSinceMs = reader.IsDBNull(13) ? null : reader.GetInt64(13),
                    FilingDueMs = reader.IsDBNull(14) ? null : reader.GetInt64(14),
                };
            }
        }
    }

    private static void LoadJudges(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> ids, StatsBatch batch)
    {
        foreach (var chunk in ids.Chunk(InListSize))
        {
            using var command = connection.Command(string.Empty, transaction);
            command.CommandText = $"SELECT judge_id, division_id FROM stats_judges WHERE judge_id IN ({InList(command, chunk)});";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                batch.Judges[reader.GetString(0)] = reader.GetString(1);
            }
        }
    }

    private static string InList(DbCommand command, IEnumerable<string> values) =>
        string.Join(", ", values.Select((value, i) =>
        {
            command.Add($"@p{i}", value);
            return $"@p{i}";
        }));

    private static void Write(DbConnection connection, DbTransaction transaction, StatsBatch batch)
    {
        var counters = StatsColumns.Counters;
        var daily = Upsert(connection, transaction, "stats_daily", [.. Dimensions, .. counters], Dimensions, counters);
        foreach (var (group, sums) in batch.Daily)
        {
            SetGroup(daily, group);
            for (var i = 0; i < sums.Length; i++)
            {
                daily.Parameters[Dimensions.Length + i].Value = sums[i];
            }

            daily.ExecuteNonQuery();
        }

        var times = Upsert(connection, transaction, "stats_reply_times", [.. Dimensions, "bucket", "count"], [.. Dimensions, "bucket"], ["count"]);
        foreach (var ((group, bucket), count) in batch.ReplyTimes)
        {
            SetGroup(times, group);
            times.Parameters[Dimensions.Length].Value = bucket;
            times.Parameters[Dimensions.Length + 1].Value = count;
            times.ExecuteNonQuery();
        }

        using (var terms = Upsert(connection, transaction, "stats_terms", ["day", "court_id", "term", "count"], ["court_id", "day", "term"], ["count"]))
        {
            WriteCounts(terms, batch.Terms.Select(t => (t.Key.Day, t.Key.Court, t.Key.Term, t.Value)));
        }

        using (var citations = Upsert(connection, transaction, "stats_citations", ["day", "court_id", "entry_id", "count"], ["day", "court_id", "entry_id"], ["count"]))
        {
            WriteCounts(citations, batch.Citations.Select(c => (c.Key.Day, c.Key.Court, c.Key.Entry, c.Value)));
        }

        string[] ratingSums = ["ratings", "service_satisfied", "result_satisfied", "dissatisfied"];
        using (var ratings = Upsert(connection, transaction, "stats_ratings", ["day", "court_id", "subject_type", "subject_id", .. ratingSums], ["day", "court_id", "subject_type", "subject_id"], ratingSums))
        {
            foreach (var ((day, court, subject, id), sums) in batch.Ratings)
            {
                object[] values = [day, court, (int)subject, id, .. sums.Cast<object>()];
                for (var i = 0; i < values.Length; i++)
                {
                    ratings.Parameters[i].Value = values[i];
                }

                ratings.ExecuteNonQuery();
            }
        }

        WriteTickets(connection, transaction, batch);
        WriteSteps(connection, transaction, batch);
        var judges = Upsert(connection, transaction, "stats_judges", ["judge_id", "division_id"], ["judge_id"], [], replace: ["division_id"]);
        foreach (var judge in batch.ChangedJudges)
        {
            judges.Parameters[0].Value = judge;
            judges.Parameters[1].Value = batch.Judges[judge];
            judges.ExecuteNonQuery();
        }

        using (var courts = Upsert(connection, transaction, "stats_courts", ["court_id", "parent_court_id"], ["court_id"], [], replace: ["parent_court_id"]))
        {
            foreach (var (court, parent) in batch.Courts)
            {
                courts.Parameters[0].Value = court;
                courts.Parameters[1].Value = parent.Length == 0 ? DBNull.Value : parent;
                courts.ExecuteNonQuery();
            }
        }

        foreach (var command in new[] { daily, times, judges })
        {
            command.Dispose();
        }
    }

    /// <summary>Rows of (day, court, key, count) through an upsert that adds the count.</summary>
    private static void WriteCounts(DbCommand upsert, IEnumerable<(int Day, string Court, string Key, long Count)> rows)
    {
        foreach (var (day, court, key, count) in rows)
        {
            upsert.Parameters[0].Value = day;
            upsert.Parameters[1].Value = court;
            upsert.Parameters[2].Value = key;
            upsert.Parameters[3].Value = count;
            upsert.ExecuteNonQuery();
        }
    }

    private static void WriteTickets(DbConnection connection, DbTransaction transaction, StatsBatch batch)
    {
        string[] columns =
        [
            "ticket_id", "court_id", "division_id", "judge_id", "kind", "sub_kind", "channel",
            "dispatch_day", "dispatch_court", "dispatch_division", "dispatch_judge", "replied", "overdue_since_ms",
            "filing_pending_since_ms", "filing_due_ms",
        ];
        using var command = Upsert(connection, transaction, "stats_tickets", columns, ["ticket_id"], [], replace: columns[1..]);
        foreach (var id in batch.ChangedTickets)
        {
            var memory = batch.Tickets[id];
            var g = memory.Group;
            var d = memory.Dispatch;
            object?[] values = [id, g.Court, g.Division, g.Judge, g.Kind, g.SubKind, g.Channel, d?.Day, d?.Court, d?.Division, d?.Judge, memory.Replied ? 1 : 0, memory.OverdueSinceMs,
                memory.FilingPendingSinceMs, memory.FilingDueMs,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }
    }

    /// <summary>Each step a row (once: a recount writes the same key); each reply the time on the rows of the ticket
    /// not replied to yet.</summary>
    private static void WriteSteps(DbConnection connection, DbTransaction transaction, StatsBatch batch)
    {
        if (batch.Steps.Count == 0)
        {
            return;
        }

        string[] columns = ["ticket_id", "step", "fired_ms", "court_id", "division_id", "judge_id", "kind", "sub_kind", "due_ms"];
        using var insert = connection.Command(string.Empty, transaction);
        for (var i = 0; i < columns.Length; i++)
        {
            insert.Add($"@c{i}", null);
        }

        insert.CommandText = $"""
            INSERT INTO stats_steps ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@c{i}"))})
            ON CONFLICT (ticket_id, step, fired_ms) DO NOTHING;
            """;
        using var reply = connection.Command("UPDATE stats_steps SET replied_ms = @at WHERE ticket_id = @id AND replied_ms IS NULL;", transaction);
        reply.Add("@at", null);
        reply.Add("@id", null);
        foreach (var change in batch.Steps)
        {
            if (change.Step is { } step)
            {
                var g = change.Group;
                object?[] values = [change.TicketId, (int)step, change.AtMs, g.Court, g.Division, g.Judge, g.Kind, g.SubKind, change.DueMs];
                for (var i = 0; i < values.Length; i++)
                {
                    insert.Parameters[i].Value = values[i] ?? DBNull.Value;
                }

                insert.ExecuteNonQuery();
            }
            else
            {
                reply.Parameters[0].Value = change.AtMs;
                reply.Parameters[1].Value = change.TicketId;
                reply.ExecuteNonQuery();
            }
        }
    }

    private static void SetGroup(DbCommand command, StatsGroup group)
    {
        object[] values = [group.Day, group.Court, group.Division, group.Judge, group.Kind, group.SubKind, group.Channel];
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    /// <summary>An INSERT of <paramref name="columns"/> that, on a row already there, adds <paramref name="add"/> to
    /// it and overwrites <paramref name="replace"/>. Parameters @c0… in column order, values set per row.</summary>
    private static DbCommand Upsert(DbConnection connection, DbTransaction transaction, string table, string[] columns, string[] key, string[] add, string[]? replace = null)
    {
        var command = connection.Command(string.Empty, transaction);
        for (var i = 0; i < columns.Length; i++)
        {
            command.Add($"@c{i}", null);
        }

        var sets = add.Select(c => $"{c} = {table}.{c} + excluded.{c}").Concat((replace ?? []).Select(c => $"{c} = excluded.{c}"));
        command.CommandText = $"""
            INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@c{i}"))})
            ON CONFLICT ({string.Join(", ", key)}) DO UPDATE SET {string.Join(", ", sets)};
            """;
        return command;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.StatsRebuilt, Level = LogLevel.Information, Message = "Statistics forgotten; counting the event log again from its start")]
        public static partial void Reset(ILogger logger);

        [LoggerMessage(EventId = LogEventIds.StatsEventsMissing, Level = LogLevel.Warning, Message = "Statistics skip events {From}..{To}: retention removed them before they were counted")]
        public static partial void EventsMissing(ILogger logger, long from, long to);
    }
}
