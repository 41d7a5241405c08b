using System.Data.Common;
using Engine.Storage.Databases;

namespace Engine.Storage.Events;

/// <summary>
/// The one statement that appends to the event log, prepared once on a connection. Appending an event that is
/// already there (same aggregate, version and ordinal) does nothing, so outbox drains may repeat; it takes no number
/// either, and a rolled-back append gives its numbers back: the log's numbers are continuous (decision 42). Callers run
/// <see cref="Database.BeforeAppendingEvents"/> in the transaction first. On PostgreSQL all the events of a call
/// go in one statement (arrays unnested in order), because there every statement is a round trip to the server
/// (<see cref="Database.AppendsEventsInOneStatement"/>).
/// </summary>
internal sealed class EventInsert : IDisposable
{
    private static readonly string[] Names = ["@aggregate", "@version", "@ordinal", "@type", "@at", "@actor", "@court", "@kind", "@payload", "@hash"];
    private readonly DbCommand _command;
    private readonly bool _arrays;

    public EventInsert(DbConnection connection, Database database)
    {
        _arrays = database.AppendsEventsInOneStatement;
        if (_arrays)
        {
            // Numbers come from event_head, in this transaction, under the append lock, and only for the events that
            // are not in the log yet (an outbox drain may repeat): a rollback or a crash gives them back, so the log's
            // numbers stay continuous. The events keep the order they were given in.
            _command = connection.Command("""
                WITH input AS (
                    SELECT * FROM unnest(@aggregate::text[], @version::bigint[], @ordinal::integer[], @type::text[], @at::bigint[],
                                         @actor::text[], @court::text[], @kind::integer[], @payload::bytea[], @hash::integer[])
                        WITH ORDINALITY AS u(aggregate_id, aggregate_version, ordinal, event_type, at_ms, actor, court_id, kind, payload, aggregate_hash, n)
                ),
                fresh AS (
                    SELECT DISTINCT ON (i.aggregate_id, i.aggregate_version, i.ordinal) i.*
                    FROM input i
                    WHERE NOT EXISTS (SELECT 1 FROM events e
                                      WHERE e.aggregate_id = i.aggregate_id AND e.aggregate_version = i.aggregate_version AND e.ordinal = i.ordinal)
                    ORDER BY i.aggregate_id, i.aggregate_version, i.ordinal, i.n
                ),
                numbered AS (
                    SELECT f.*, row_number() OVER (ORDER BY f.n) AS k FROM fresh f
                ),
                head AS (
                    UPDATE event_head SET last_sequence = last_sequence + (SELECT count(*) FROM fresh) WHERE id = 1
                    RETURNING last_sequence - (SELECT count(*) FROM fresh) AS base
                )
                INSERT INTO events (sequence, aggregate_id, aggregate_version, ordinal, event_type, at_ms, actor, court_id, kind, payload, aggregate_hash)
                OVERRIDING SYSTEM VALUE
                SELECT h.base + x.k, x.aggregate_id, x.aggregate_version, x.ordinal, x.event_type, x.at_ms, x.actor, x.court_id, x.kind, x.payload, x.aggregate_hash
                FROM numbered x CROSS JOIN head h
                ORDER BY x.k
                RETURNING sequence;
                """);
            foreach (var name in Names)
            {
                _command.Add(name, null);
            }

            return;
        }

        // SQLite hands out AUTOINCREMENT numbers in the transaction (a rollback gives them back), but an insert that
        // ON CONFLICT skips still takes one: an event already in the log is left out before the insert instead.
        _command = connection.Command("""
            INSERT INTO events (aggregate_id, aggregate_version, ordinal, event_type, at_ms, actor, court_id, kind, payload, aggregate_hash)
            SELECT @aggregate, @version, @ordinal, @type, @at, @actor, @court, @kind, @payload, @hash
            WHERE NOT EXISTS (SELECT 1 FROM events WHERE aggregate_id = @aggregate AND aggregate_version = @version AND ordinal = @ordinal)
            RETURNING sequence;
            """);
        foreach (var name in Names)
        {
            _command.Add(name, null);
        }
    }

    /// <summary>Appends <paramref name="events"/> in <paramref name="transaction"/>, as every append does: the
    /// database's preparation first (<see cref="Database.BeforeAppendingEvents"/>), then the insert, then the
    /// announcement to the other silos of the new head, which they hear when the transaction commits. Answers that head
    /// (0 when every event was in the log already): once the caller has committed, it advances the local
    /// <see cref="EventNotifier"/> to it.</summary>
    public static long AppendIn(DbConnection connection, DbTransaction transaction, Database database, IReadOnlyList<EventRow> events)
    {
        database.BeforeAppendingEvents(transaction);
        using var insert = new EventInsert(connection, database) { Transaction = transaction };
        var head = insert.Append(events);
        if (head > 0)
        {
            database.AnnounceEvents(transaction, head);
        }

        return head;
    }

    public DbTransaction? Transaction
    {
        set => _command.Transaction = value;
    }

    /// <returns>The sequence of the last event appended; 0 when none was new.</returns>
    public long Append(IReadOnlyList<EventRow> events)
    {
        return _arrays ? AppendAll(events) : AppendEach(events);
    }

    public void Dispose() => _command.Dispose();

    private long AppendAll(IReadOnlyList<EventRow> events)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        var p = _command.Parameters;
        p["@aggregate"].Value = events.Select(e => e.AggregateId).ToArray();
        p["@version"].Value = events.Select(e => e.AggregateVersion).ToArray();
        p["@ordinal"].Value = events.Select(e => e.Ordinal).ToArray();
        p["@type"].Value = events.Select(e => e.Type).ToArray();
        p["@at"].Value = events.Select(e => e.At.ToUnixTimeMilliseconds()).ToArray();
        p["@actor"].Value = events.Select(e => e.Actor).ToArray();
        p["@court"].Value = events.Select(e => e.CourtId).ToArray();
        p["@kind"].Value = events.Select(e => (int)e.Kind).ToArray();
        p["@payload"].Value = events.Select(e => e.Payload).ToArray();
        p["@hash"].Value = events.Select(e => EventPartitions.Hash(e.AggregateId)).ToArray();
        var last = 0L;
        using var reader = _command.ExecuteReader();
        while (reader.Read())
        {
            last = Math.Max(last, reader.GetInt64(0));
        }

        return last;
    }

    private long AppendEach(IReadOnlyList<EventRow> events)
    {
        var last = 0L;
        var p = _command.Parameters;
        foreach (var e in events)
        {
            p["@aggregate"].Value = e.AggregateId;
            p["@version"].Value = e.AggregateVersion;
            p["@ordinal"].Value = e.Ordinal;
            p["@type"].Value = e.Type;
            p["@at"].Value = e.At.ToUnixTimeMilliseconds();
            p["@actor"].Value = e.Actor;
            p["@court"].Value = (object?)e.CourtId ?? DBNull.Value;
            p["@kind"].Value = (int)e.Kind;
            p["@payload"].Value = e.Payload;
            p["@hash"].Value = EventPartitions.Hash(e.AggregateId);
            if (_command.ExecuteScalar() is long sequence)
            {
                last = sequence;
            }
        }

        return last;
    }
}
