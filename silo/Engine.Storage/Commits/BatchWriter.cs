using System.Data.Common;
using Engine.Storage.Databases;
using Engine.Storage.Events;

namespace Engine.Storage.Commits;

/// <summary>
/// The connection of a group committer whose batches write rows and the events they made: opened and prepared when a
/// batch needs it, dropped after a failed batch so that the next one connects again. Each batch runs in the process's
/// turn to write (<see cref="Database.EnterWriter"/>), in one transaction, with its events appended last and announced
/// once committed. A transaction PostgreSQL ends to break a deadlock (a calendar sweep pulling every wake earlier
/// while the batch sets some of them) is run again, up to <see cref="ConflictAttempts"/> times in all (decision 76).
/// </summary>
internal sealed class BatchWriter(Database database, EventNotifier notifier) : IDisposable
{
    /// <summary>How many times a batch is run before a conflict fails it.</summary>
    public const int ConflictAttempts = 3;

    private DbConnection? _connection;

    /// <summary>Runs <paramref name="rows"/> (which answers the events to append, and may be run again) and commits.</summary>
    public void Commit(Func<DbConnection, DbTransaction, IReadOnlyList<EventRow>> rows)
    {
        using var turn = database.EnterWriter();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                CommitOnce(rows);
                return;
            }
            catch (DbException ex) when (attempt < ConflictAttempts && database.IsConflict(ex))
            {
                // The database rolled the transaction back; the other side of the deadlock went on.
            }
        }
    }

    private void CommitOnce(Func<DbConnection, DbTransaction, IReadOnlyList<EventRow>> rows)
    {
        try
        {
            if (_connection is not { State: System.Data.ConnectionState.Open })
            {
                _connection?.Dispose();
                _connection = database.Open();
                database.PrepareWriter(_connection);
            }

            using var transaction = _connection.BeginTransaction();
            var events = rows(_connection, transaction);
            var head = events.Count > 0 ? EventInsert.AppendIn(_connection, transaction, database, events) : 0;
            transaction.Commit();
            if (head > 0)
            {
                notifier.Advance(head);
            }
        }
        catch
        {
            _connection?.Dispose();
            _connection = null;
            throw;
        }
    }

    public void Dispose() => _connection?.Dispose();
}
