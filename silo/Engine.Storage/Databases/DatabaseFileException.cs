using Microsoft.Data.Sqlite;

namespace Engine.Storage.Databases;

/// <summary>A SQLite file the engine cannot start on (damaged, not a file, on a full or failing disk): the message is
/// the one line start-up stops with, naming the file and what to do.</summary>
public sealed class DatabaseFileException : Exception
{
    public DatabaseFileException()
    {
    }

    public DatabaseFileException(string message)
        : base(message)
    {
    }

    public DatabaseFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="derived">The file holds only what the engine can count again (the statistics).</param>
    public static DatabaseFileException Of(string path, bool derived, SqliteException ex)
    {
        var what = ex.SqliteErrorCode switch
        {
            SqliteDatabase.NotADatabase or SqliteDatabase.Corrupt => derived
                ? "is damaged; it holds only statistics: move it aside and the engine counts them again from the event log"
                : "is damaged (not a SQLite database, or its pages are malformed): restore it from a backup (docs/deployment.md)",
            SqliteDatabase.CantOpen => "cannot be opened: it must be a file the engine can read and write",
            SqliteDatabase.Full => "cannot be written: the disk is full",
            SqliteDatabase.IoError => "could not be read or written: the disk reported an I/O error",
            SqliteDatabase.ReadOnly => "is read-only: the engine must be able to write it",
            _ => "could not be opened",
        };

        return new DatabaseFileException($"the database file '{path}' {what} ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')})", ex);
    }
}
