using System.Data.Common;
using Engine.Storage.Databases;
using Engine.Storage.Events;

namespace Engine.Storage.Commits;

/// <summary>
/// The connection of a group committer whose batches write rows and the events they made: opened and prepared when a
/// batch needs it, dropped after a failed batch so that the next one connects again. Each batch runs in the process's
/// turn to write (<see cref="Database.EnterWriter"/>), in one transaction, with its events appended last and announced
/// once committed.
/// </summary>
internal sealed class BatchWriter(Database database, EventNotifier notifier) : IDisposable
{
    private DbConnection? _connection;

    /// <summary>Runs <paramref name="rows"/> (which answers the events to append) and commits.</summary>
    public void Commit(Func<DbConnection, DbTransaction, IReadOnlyList<EventRow>> rows)
    {
        using var turn = database.EnterWriter();
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
