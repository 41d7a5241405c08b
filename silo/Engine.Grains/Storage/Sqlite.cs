using Microsoft.Data.Sqlite;

namespace Engine.Grains.Storage;

/// <summary>The one way the engine's stores open a pooled connection and run a single statement.</summary>
internal static class Sqlite
{
    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    public static int Execute(string connectionString, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var connection = Open(connectionString);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }
}
