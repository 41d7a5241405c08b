using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Notifier;

/// <summary>One text message to send: the event it came from (sequence, and its place among that event's messages),
/// the recipient's phone, the template key and the text.</summary>
public sealed record OutgoingMessage(long Sequence, int Part, string EventType, string Recipient, string Template, string Body);

/// <summary>
/// The SQLite table that stands in for the SMS gateway. A message is keyed by its event's sequence and its place among
/// that event's messages (the primary key): an event delivered again after a crash writes nothing new, so each
/// message is written once however often the notifier is killed and started.
/// </summary>
public sealed class Outbox : IDisposable
{
    private readonly SqliteConnection _connection;

    public Outbox(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS messages
            (
                sequence   INTEGER NOT NULL,
                part       INTEGER NOT NULL,
                event_type TEXT    NOT NULL,
                recipient  TEXT    NOT NULL,
                template   TEXT    NOT NULL,
                body       TEXT    NOT NULL,
                written_at TEXT    NOT NULL,
                PRIMARY KEY (sequence, part)
            );
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Writes the messages of one event in one transaction; answers how many were new (0: the event had been
    /// written before the last crash).</summary>
    public int Write(IReadOnlyList<OutgoingMessage> messages)
    {
        using var transaction = _connection.BeginTransaction();
        var written = 0;
        foreach (var m in messages)
        {
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO messages (sequence, part, event_type, recipient, template, body, written_at)
                VALUES ($s, $p, $t, $r, $k, $b, $w) ON CONFLICT (sequence, part) DO NOTHING;
                """;
            insert.Parameters.AddWithValue("$s", m.Sequence);
            insert.Parameters.AddWithValue("$p", m.Part);
            insert.Parameters.AddWithValue("$t", m.EventType);
            insert.Parameters.AddWithValue("$r", m.Recipient);
            insert.Parameters.AddWithValue("$k", m.Template);
            insert.Parameters.AddWithValue("$b", m.Body);
            insert.Parameters.AddWithValue("$w", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            written += insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return written;
    }

    public void Dispose() => _connection.Dispose();
}
