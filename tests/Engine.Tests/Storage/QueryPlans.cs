using System.Data.Common;
using System.Text;
using Engine.Storage.Databases;

namespace Engine.Tests.StorageTests;

/// <summary>What a database plans for a statement: SQLite's EXPLAIN QUERY PLAN or PostgreSQL's EXPLAIN, its lines
/// joined by " | ".</summary>
internal static class QueryPlans
{
    public static string Of(DbCommand command, StorageProvider provider)
    {
        var statement = command.CommandText;
        command.CommandText = (provider == StorageProvider.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + statement;
        try
        {
            var plan = new StringBuilder();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                plan.Append(reader.GetValue(reader.FieldCount - 1)).Append(" | ");
            }

            return plan.ToString();
        }
        finally
        {
            command.CommandText = statement;
        }
    }
}
