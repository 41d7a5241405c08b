using Microsoft.Data.Sqlite;

namespace Engine.Tests.Support;

/// <summary>Reads an engine's SQLite file directly (read-only, unpooled), to check what is stored.</summary>
public static class EngineDatabase
{
    public static long Scalar(string dataDirectory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "engine.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
