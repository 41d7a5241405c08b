using Engine.Storage.Databases;

namespace Engine.Tests.StorageTests;

/// <summary>
/// One court's figures of a period are read through an index led by the court, on every table of figures keyed by day
/// first: without one, a court's year read the whole country's year (docs/decisions.md, entry 72). The statements have
/// the shape the readers build (StatsReader, KnowledgeFiguresReader: one court or a court's subtree, both ends of the
/// period bound); the database's own plan says which index it reads.
/// </summary>
public abstract class StatsCourtPlanTests
{
    private protected abstract StorageProvider Provider { get; }

    public static TheoryData<string, string> Tables => new()
    {
        { "stats_daily", "ix_stats_daily_court" },
        { "stats_reply_times", "ix_stats_reply_times_court" },
        { "stats_ratings", "ix_stats_ratings_court" },
        { "stats_citations", "ix_stats_citations_court" },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void A_court_s_figures_of_a_period_are_read_through_the_court_s_rows(string table, string index)
    {
        using var db = new StoreUnderTest(Provider);
        using var connection = db.StatsDatabase.Open();
        foreach (var courts in new[] { "court_id = @c0", "court_id IN (@c0, @c1)" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT court_id, COUNT(*) FROM {table} WHERE 1 = 1 AND {courts} AND day >= @from AND day <= @to GROUP BY court_id;";
            command.Add("@c0", "court-a");
            command.Add("@c1", "court-b");
            command.Add("@from", 20260101);
            command.Add("@to", 20261231);
            ReadsThrough(db, command, $"INDEX {index} (court_id=? AND day>? AND day<?)", index);
        }
    }

    [Fact]
    public void The_country_s_hot_topics_of_a_period_are_read_through_the_days_not_every_court_s_history()
    {
        using var db = new StoreUnderTest(Provider);
        using var connection = db.StatsDatabase.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT term, SUM(count) FROM stats_terms WHERE 1 = 1 AND day >= @from AND day <= @to GROUP BY term ORDER BY SUM(count) DESC, term LIMIT 10;";
        command.Add("@from", 20261201);
        command.Add("@to", 20261207);
        ReadsThrough(db, command, "INDEX ix_stats_terms_day (day>? AND day<?)", "ix_stats_terms_day");
    }

    /// <summary>On SQLite, the plan of <paramref name="command"/> reads <paramref name="sqlitePlan"/>; on PostgreSQL, whose
    /// planner an empty table tells nothing, <paramref name="index"/> is there for it to choose.</summary>
    private void ReadsThrough(StoreUnderTest db, System.Data.Common.DbCommand command, string sqlitePlan, string index)
    {
        if (Provider == StorageProvider.Sqlite)
        {
            Assert.Contains(sqlitePlan, QueryPlans.Of(command, Provider), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1L, StoreUnderTest.Scalar(db.StatsDatabase, $"SELECT COUNT(*) FROM pg_indexes WHERE indexname = '{index}'"));
        }
    }
}

public sealed class StatsCourtPlanTestsOnSqlite : StatsCourtPlanTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class StatsCourtPlanTestsOnPostgres : StatsCourtPlanTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
