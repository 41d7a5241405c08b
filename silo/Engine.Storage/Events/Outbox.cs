using Engine.Storage.Commits;
using Engine.Storage.Databases;
using Engine.Storage.Timers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Engine.Storage.Events;

/// <summary>
/// Events of aggregates kept as Orleans grain state. The grain marks itself pending here, writes its state with the
/// events in it (one write: both or neither), appends them to the log (idempotent), then clears the mark. After a
/// crash, the marks say which grains to wake so that they append what their state holds. A change's two steps here (the
/// mark; the events with the mark cleared) go through a <see cref="GroupCommitter{TWrite}"/> of their own, each with the
/// grain's next wake: a burst of hearing reminders (every case with a hearing tomorrow, at 09:00) is a few transactions
/// of many cases, not five synced writes per case one after another (docs/decisions.md, 69).
/// </summary>
public sealed class Outbox : IOutbox, IDisposable
{
    private readonly Database _database;
    private readonly EventNotifier _notifier;
    private readonly GroupCommitter<OutboxWrite> _committer;
    private readonly BatchWriter _writer;

    public Outbox(Database database, EventNotifier notifier, IOptions<StorageOptions> options, ILogger<Outbox> logger)
    {
        _database = database;
        _notifier = notifier;
        _writer = new BatchWriter(database, notifier);
        _committer = new GroupCommitter<OutboxWrite>("outbox-commit", Commit, options.Value.MaxBatchSize, options.Value.MaxQueuedWrites, logger);
    }

    /// <summary>With the storage's default options and no log (tests).</summary>
    public Outbox(Database database, EventNotifier notifier)
        : this(database, notifier, Options.Create(new StorageOptions()), NullLogger<Outbox>.Instance)
    {
    }

    public Task WriteAsync(OutboxWrite write) => _committer.WriteAsync(write);

    public void Dispose()
    {
        _committer.Dispose();
        _writer.Dispose();
    }

    public void Clear(string grainType, string grainKey) =>
        _database.Execute("DELETE FROM outbox_pending WHERE grain_type = @t AND grain_key = @k;", ("@t", grainType), ("@k", grainKey));

    /// <summary>Whether this grain's last change may not be in the log yet (one indexed read, made on every activation of
    /// a grain kept as state, so it holds no thread while the database answers: decision 73).</summary>
    public async Task<bool> IsPendingAsync(string grainType, string grainKey)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = connection.Command("SELECT 1 FROM outbox_pending WHERE grain_type = @t AND grain_key = @k;");
        command.Add("@t", grainType);
        command.Add("@k", grainKey);
        return await command.ExecuteScalarAsync() is not null;
    }

    /// <summary>On activation and from the sweep: when the grain is marked pending, appends the events its state holds
    /// (none when the crash came before the state write) and clears the mark. Unmarked, the events are in the log
    /// already and nothing is written: activating a grain, even one that does not exist, costs one read, the same
    /// for every grain (an unknown case must not answer faster than a known one: issue "Trust").</summary>
    public async Task FinishPendingAsync(string grainType, string grainKey, IReadOnlyList<EventRow> events)
    {
        if (await IsPendingAsync(grainType, grainKey))
        {
            Append(events);
            Clear(grainType, grainKey);
        }
    }

    public IReadOnlyList<(string GrainType, string GrainKey)> Pending()
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_type, grain_key FROM outbox_pending;";
        var pending = new List<(string, string)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            pending.Add((reader.GetString(0), reader.GetString(1)));
        }

        return pending;
    }

    /// <summary>Appends the events that are not in the log yet, in one transaction.</summary>
    public void Append(IReadOnlyList<EventRow> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        var head = EventInsert.AppendIn(connection, transaction, _database, events);
        transaction.Commit();
        if (head > 0)
        {
            _notifier.Advance(head);
        }
    }

    /// <summary>Runs on the committer's thread: the whole batch in one transaction (every statement is an upsert, a
    /// delete, or an append that leaves out an event already in the log, so nothing in it can be refused alone); a
    /// failure fails the batch, and the connection is opened again for the next one.</summary>
    private void Commit(IReadOnlyList<OutboxWrite> writes, Span<object?> results) => _writer.Commit((connection, transaction) =>
    {
        using var mark = connection.Command("INSERT INTO outbox_pending (grain_type, grain_key) VALUES (@t, @k) ON CONFLICT DO NOTHING;", transaction);
        using var clear = connection.Command("DELETE FROM outbox_pending WHERE grain_type = @t AND grain_key = @k;", transaction);
        using var earlier = connection.Command(DueTimers.PullEarlierSql, transaction);
        using var wakes = new DueTimerRows(connection, transaction);
        var (markType, markKey) = (mark.Add("@t", null), mark.Add("@k", null));
        var (clearType, clearKey) = (clear.Add("@t", null), clear.Add("@k", null));
        var (earlierOwner, earlierAt, earlierShard) = (earlier.Add("@o", null), earlier.Add("@t", null), earlier.Add("@s", null));
        var events = new List<EventRow>();
        foreach (var write in writes)
        {
            if (write.Marking)
            {
                (markType.Value, markKey.Value) = (write.GrainType, write.GrainKey);
                mark.ExecuteNonQuery();
                if (write.Wake is { At: { } at } pulled)
                {
                    (earlierOwner.Value, earlierAt.Value, earlierShard.Value) = (pulled.OwnerKey, at.ToUnixTimeMilliseconds(), DueTimers.ShardOf(pulled.OwnerKey));
                    earlier.ExecuteNonQuery();
                }

                continue;
            }

            events.AddRange(write.Events);
            (clearType.Value, clearKey.Value) = (write.GrainType, write.GrainKey);
            clear.ExecuteNonQuery();
            if (write.Wake is { } wake)
            {
                wakes.Set(wake.OwnerKey, wake.At);
            }
        }

        return events;
    });
}
