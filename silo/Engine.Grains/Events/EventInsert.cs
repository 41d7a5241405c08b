using System.Data.Common;
using Engine.Grains.Storage;

namespace Engine.Grains.Events;

/// <summary>
/// The one statement that appends to the event log, prepared once on a connection. Appending an event that is
/// already there (same aggregate, version and ordinal) does nothing, so outbox drains may repeat. Callers run
/// <see cref="Database.BeforeAppendingEvents"/> in the transaction first.
/// </summary>
internal sealed class EventInsert : IDisposable
{
    private static readonly string[] Names = ["@aggregate", "@version", "@ordinal", "@type", "@at", "@actor", "@court", "@kind", "@payload", "@hash"];
    private readonly DbCommand _command;

    public EventInsert(DbConnection connection)
    {
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
    public long Append(IEnumerable<EventRow> events)
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

    public void Dispose() => _command.Dispose();
}
