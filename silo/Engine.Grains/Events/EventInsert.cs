using System.Data.Common;
using Engine.Grains.Storage;

namespace Engine.Grains.Events;

/// <summary>
/// The one statement that appends to the event log, prepared once on a connection. Appending an event that is
/// already there (same aggregate, version and ordinal) does nothing, so outbox drains may repeat. Callers run
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
            _command = connection.Command("""
                INSERT INTO events (aggregate_id, aggregate_version, ordinal, event_type, at_ms, actor, court_id, kind, payload, aggregate_hash)
                SELECT * FROM unnest(@aggregate::text[], @version::bigint[], @ordinal::integer[], @type::text[], @at::bigint[],
                                     @actor::text[], @court::text[], @kind::integer[], @payload::bytea[], @hash::integer[])
                ON CONFLICT (aggregate_id, aggregate_version, ordinal) DO NOTHING
                RETURNING sequence;
                """);
            foreach (var name in Names)
            {
                _command.Add(name, null);
            }

            return;
        }

        _command = connection.Command("""
            INSERT INTO events (aggregate_id, aggregate_version, ordinal, event_type, at_ms, actor, court_id, kind, payload, aggregate_hash)
            VALUES (@aggregate, @version, @ordinal, @type, @at, @actor, @court, @kind, @payload, @hash)
            ON CONFLICT (aggregate_id, aggregate_version, ordinal) DO NOTHING
            RETURNING sequence;
            """);
        foreach (var name in Names)
        {
            _command.Add(name, null);
        }
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
