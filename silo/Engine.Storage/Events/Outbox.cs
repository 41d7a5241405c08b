using Engine.Storage.Databases;

namespace Engine.Storage.Events;

/// <summary>
/// Events of aggregates kept as Orleans grain state. The grain marks itself pending here, writes its state with the
/// events in it (one write: both or neither), appends them to the log (idempotent), then clears the mark. After a
/// crash, the marks say which grains to wake so that they append what their state holds.
/// </summary>
public sealed class Outbox(Database database, EventNotifier notifier) : IOutbox
{
    public void Mark(string grainType, string grainKey) =>
        database.Execute("INSERT INTO outbox_pending (grain_type, grain_key) VALUES (@t, @k) ON CONFLICT DO NOTHING;", ("@t", grainType), ("@k", grainKey));

    public void Clear(string grainType, string grainKey) =>
        database.Execute("DELETE FROM outbox_pending WHERE grain_type = @t AND grain_key = @k;", ("@t", grainType), ("@k", grainKey));

    /// <summary>Whether this grain's last change may not be in the log yet (one indexed read).</summary>
    public bool IsPending(string grainType, string grainKey)
    {
        using var connection = database.Open();
        using var command = connection.Command("SELECT 1 FROM outbox_pending WHERE grain_type = @t AND grain_key = @k;");
        command.Add("@t", grainType);
        command.Add("@k", grainKey);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>On activation and from the sweep: when the grain is marked pending, appends the events its state holds
    /// (none when the crash came before the state write) and clears the mark. Unmarked, the events are in the log
    /// already and nothing is written: activating a grain, even one that does not exist, costs one read, the same
    /// for every grain (an unknown case must not answer faster than a known one: issue "Trust").</summary>
    public void FinishPending(string grainType, string grainKey, IReadOnlyList<EventRow> events)
    {
        if (IsPending(grainType, grainKey))
        {
            Append(events);
            Clear(grainType, grainKey);
        }
    }

    public IReadOnlyList<(string GrainType, string GrainKey)> Pending()
    {
        using var connection = database.Open();
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

        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var head = EventInsert.AppendIn(connection, transaction, database, events);
        transaction.Commit();
        if (head > 0)
        {
            notifier.Advance(head);
        }
    }
}
