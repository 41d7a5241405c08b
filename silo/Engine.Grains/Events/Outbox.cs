using Engine.Domain;
using Engine.Grains.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Events;

/// <summary>An event waiting in a grain's state until it is in the log.</summary>
[GenerateSerializer, Immutable]
public sealed record OutboxEvent(
    [property: Id(0)] string AggregateId,
    [property: Id(1)] long AggregateVersion,
    [property: Id(2)] int Ordinal,
    [property: Id(3)] string Type,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string Actor,
    [property: Id(6)] string? CourtId,
    [property: Id(7)] byte[] Payload)
{
    public static OutboxEvent Of(string aggregateId, long version, int ordinal, string type, DateTimeOffset at, string actor, string? courtId, IMessage payload) =>
        new(aggregateId, version, ordinal, type, at, actor, courtId, Any.Pack(payload).ToByteArray());
}

/// <summary>
/// Events of aggregates kept as Orleans grain state. The grain marks itself pending here, writes its state with the
/// events in it (one write: both or neither), appends them to the log (idempotent), then clears the mark. After a
/// crash, the marks say which grains to wake so that they append what their state holds.
/// </summary>
public sealed class Outbox(IOptions<StorageOptions> options, EventNotifier notifier)
{
    private readonly string _connectionString = options.Value.ConnectionString;

    public Task MarkAsync(string grainType, string grainKey) => ExecuteAsync(
        "INSERT OR IGNORE INTO outbox_pending (grain_type, grain_key) VALUES ($t, $k);", grainType, grainKey);

    public Task ClearAsync(string grainType, string grainKey) => ExecuteAsync(
        "DELETE FROM outbox_pending WHERE grain_type = $t AND grain_key = $k;", grainType, grainKey);

    public Task<IReadOnlyList<(string GrainType, string GrainKey)>> PendingAsync()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_type, grain_key FROM outbox_pending;";
        var pending = new List<(string, string)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            pending.Add((reader.GetString(0), reader.GetString(1)));
        }

        return Task.FromResult<IReadOnlyList<(string, string)>>(pending);
    }

    /// <summary>Appends the events that are not in the log yet, in one transaction.</summary>
    public Task AppendAsync(IReadOnlyList<OutboxEvent> events)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO events (aggregate_id, aggregate_version, ordinal, event_type, at_ms, actor, court_id, kind, payload, aggregate_hash)
            VALUES ($a, $v, $o, $t, $at, $actor, $court, $kind, $payload, $hash)
            ON CONFLICT (aggregate_id, aggregate_version, ordinal) DO NOTHING
            RETURNING sequence;
            """;
        var head = 0L;
        foreach (var e in events)
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$a", e.AggregateId);
            command.Parameters.AddWithValue("$v", e.AggregateVersion);
            command.Parameters.AddWithValue("$o", e.Ordinal);
            command.Parameters.AddWithValue("$t", e.Type);
            command.Parameters.AddWithValue("$at", e.At.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$actor", e.Actor);
            command.Parameters.AddWithValue("$court", (object?)e.CourtId ?? DBNull.Value);
            command.Parameters.AddWithValue("$kind", (int)TicketKind.Unspecified);
            command.Parameters.AddWithValue("$payload", e.Payload);
            command.Parameters.AddWithValue("$hash", EventPartitions.Hash(e.AggregateId));
            if (command.ExecuteScalar() is long sequence)
            {
                head = Math.Max(head, sequence);
            }
        }

        transaction.Commit();
        if (head > 0)
        {
            notifier.Advance(head);
        }

        return Task.CompletedTask;
    }

    private Task ExecuteAsync(string sql, string grainType, string grainKey)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$t", grainType);
        command.Parameters.AddWithValue("$k", grainKey);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}

/// <summary>A test hook for crash tests: ENGINE_FAULT=&lt;point&gt; ends the process at that point, as a power cut would.</summary>
public static class Faults
{
    private static readonly string? Armed = Environment.GetEnvironmentVariable("ENGINE_FAULT");

    public static void At(string point)
    {
        if (Armed is not null && string.Equals(Armed, point, StringComparison.Ordinal))
        {
            Environment.FailFast($"fault injected at {point}");
        }
    }
}
