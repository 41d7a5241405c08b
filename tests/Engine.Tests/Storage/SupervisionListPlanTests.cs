using System.Diagnostics;
using Engine.Contracts;
using Engine.Domain.Calendar;
using Engine.Grains.Statistics;
using Engine.Storage.Databases;
using Xunit.Abstractions;

namespace Engine.Tests.StorageTests;

/// <summary>
/// The supervision page's lists at 100 000 open overdue tickets (and as many steps), seeded straight into the
/// statistics tables: each page is read through an index in the list's order, never a scan and sort of the whole
/// table, and the keyset pages walk the list without repeating or skipping a row. The database's own plan says so
/// (EXPLAIN QUERY PLAN, EXPLAIN); the time a page takes is printed for docs/benchmarks.md, not asserted.
/// </summary>
public abstract class SupervisionListPlanTests(SupervisionListSeed seed, ITestOutputHelper output)
{
    private const int Rows = SupervisionListSeed.Rows;
    private const long Base = SupervisionListSeed.Base;

    private StorageProvider Provider => seed.Provider;

    private static SupervisionQuery Overdue(SupervisionSort sort = SupervisionSort.Time, bool descending = false, string? court = null, string? division = null, string? judge = null) =>
        new(SupervisionList.Overdue, court is null ? [] : [court], division, judge, null, null, [], null, null, null, sort, descending, null, 50);

    private static SupervisionQuery Steps(SupervisionSort sort = SupervisionSort.Time, string? court = null, string? judge = null) =>
        new(SupervisionList.Steps, court is null ? [] : [court], null, judge, null, null, judge is null ? [DeadlineStep.Urging] : [], null,
            DateTimeOffset.FromUnixTimeMilliseconds(Base), null, sort, true, null, 50);

    public static TheoryData<string> Shapes => new()
    {
        "overdue", "overdue-desc", "overdue-court", "overdue-division", "overdue-judge", "overdue-by-court", "overdue-by-judge",
        "steps", "steps-court", "steps-judge",
    };

    private static SupervisionQuery Shape(string shape) => shape switch
    {
        "overdue" => Overdue(),
        "overdue-desc" => Overdue(descending: true),
        "overdue-court" => Overdue(court: "court-3"),
        "overdue-division" => Overdue(court: "court-3", division: "div-3"),
        "overdue-judge" => Overdue(judge: "judge-17"),
        "overdue-by-court" => Overdue(SupervisionSort.Court),
        "overdue-by-judge" => Overdue(SupervisionSort.Judge),
        "steps" => Steps(),
        "steps-court" => Steps(court: "court-3"),
        _ => Steps(judge: "judge-17"),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_page_of_a_list_at_100000_overdue_tickets_is_read_through_an_index_in_its_order(string shape)
    {
        var db = seed.Db;
        var query = Shape(shape);
        var first = Page(db, query);
        var second = Page(db, query with { After = first.Next });

        foreach (var page in new[] { query, query with { After = first.Next } })
        {
            var plan = Plan(db, page);
            output.WriteLine($"{shape}: {plan}");
            Assert.Contains(query.List == SupervisionList.Overdue ? "ix_stats_tickets_overdue" : "ix_stats_steps_", plan, StringComparison.Ordinal);
            Assert.DoesNotContain(Provider == StorageProvider.Sqlite ? "TEMP B-TREE" : "Sort", plan, StringComparison.Ordinal);
            Assert.All(plan.Split(" | ", StringSplitOptions.RemoveEmptyEntries), line =>
                Assert.True(Provider == StorageProvider.Sqlite ? !line.Contains("SCAN", StringComparison.Ordinal) || line.Contains("INDEX", StringComparison.Ordinal) : !line.Contains("Seq Scan", StringComparison.Ordinal), line));
        }

        Assert.Equal(50, first.Rows.Length);
        Assert.Equal(50, second.Rows.Length);
        Assert.Empty(first.Rows.Select(r => (r.TicketId, r.Step)).Intersect(second.Rows.Select(r => (r.TicketId, r.Step))));
    }

    [Fact]
    public void Keyset_pages_walk_a_filtered_list_in_order_without_repeating_or_skipping_a_row()
    {
        var db = seed.Db;
        var query = Overdue(SupervisionSort.Judge, court: "court-3") with { Limit = 500 };
        var seen = new List<SupervisionRow>();
        var page = Page(db, query);
        var total = page.Total;
        seen.AddRange(page.Rows);
        while (page.Next is { } next)
        {
            page = Page(db, query with { After = next });
            seen.AddRange(page.Rows);
        }

        Assert.Equal(Rows / 10, total);
        Assert.Equal(total, seen.Count);
        Assert.Equal(seen.Count, seen.Select(r => r.TicketId).Distinct().Count());
        Assert.All(seen, r => Assert.Equal("court-3", r.CourtId));
        var ordered = seen.OrderBy(r => r.JudgeId, StringComparer.Ordinal).ThenBy(r => r.OverdueSince).ThenBy(r => r.TicketId, StringComparer.Ordinal);
        Assert.Equal(ordered.Select(r => r.TicketId), seen.Select(r => r.TicketId));

        // The figure for docs/benchmarks.md: a court's first page (count and rows) at 100 000 overdue.
        var timer = Stopwatch.StartNew();
        var times = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            timer.Restart();
            Page(db, Overdue(court: "court-3"));
            times.Add(timer.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        output.WriteLine($"{Provider}: a court's first overdue page at {Rows} overdue: median {times[10]:F1} ms, max {times[^1]:F1} ms");
    }

    private static SupervisionListPage Page(StoreUnderTest db, SupervisionQuery query)
    {
        using var connection = db.StatsDatabase.Open();
        using var snapshot = db.StatsDatabase.BeginSnapshot(connection);
        return SupervisionLists.Read(connection, snapshot, query);
    }

    private string Plan(StoreUnderTest db, SupervisionQuery query)
    {
        using var connection = db.StatsDatabase.Open();
        using var command = SupervisionLists.PageCommand(connection, null, query);
        return QueryPlans.Of(command, Provider);
    }

}

public sealed class SupervisionListPlanTestsOnSqlite(SqliteSupervisionListSeed seed, ITestOutputHelper output)
    : SupervisionListPlanTests(seed, output), IClassFixture<SqliteSupervisionListSeed>;

public sealed class SupervisionListPlanTestsOnPostgres(PostgresSupervisionListSeed seed, ITestOutputHelper output)
    : SupervisionListPlanTests(seed, output), IClassFixture<PostgresSupervisionListSeed>;

public sealed class SqliteSupervisionListSeed() : SupervisionListSeed(StorageProvider.Sqlite);

public sealed class PostgresSupervisionListSeed() : SupervisionListSeed(StorageProvider.Postgres);

/// <summary>100 000 overdue tickets and as many steps, inserted by one statement each: ten courts, seven divisions,
/// 500 judges, times spread over the rows.</summary>
public abstract class SupervisionListSeed : IDisposable
{
    public const int Rows = 100_000;
    public const long Base = 1_780_000_000_000;

    protected SupervisionListSeed(StorageProvider provider)
    {
        Provider = provider;
        Db = new StoreUnderTest(provider);
        var numbers = Provider == StorageProvider.Sqlite
            ? $"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows - 1}) "
            : string.Empty;
        var from = Provider == StorageProvider.Sqlite ? "FROM n" : $"FROM generate_series(0, {Rows - 1}) AS n(i)";
        var id = Provider == StorageProvider.Sqlite ? "printf('T%026d', i)" : "'T' || lpad(i::text, 26, '0')";
        var text = (string prefix, string modulo) => $"'{prefix}' || (i % {modulo})";
        Execute($"""
            {numbers}INSERT INTO stats_tickets (ticket_id, court_id, division_id, judge_id, kind, sub_kind, channel, replied, overdue_since_ms)
            SELECT {id}, {text("court-", "10")}, {text("div-", "7")}, {text("judge-", "500")}, 1, 101, 1, 0, {Base} + (i * 997 % {Rows}) * 1000 {from};
            """);
        Execute($"""
            {numbers}INSERT INTO stats_steps (ticket_id, step, fired_ms, court_id, division_id, judge_id, kind, sub_kind, due_ms)
            SELECT {id}, 1 + (i % 3), {Base} + (i * 991 % {Rows}) * 1000, {text("court-", "10")}, {text("div-", "7")}, {text("judge-", "500")}, 1, 101, {Base} {from};
            """);
        Execute("ANALYZE;");
    }

    public StorageProvider Provider { get; }

    internal StoreUnderTest Db { get; }

    public void Dispose()
    {
        Db.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Execute(string sql)
    {
        using var connection = Db.StatsDatabase.Open();
        using var command = connection.Command(sql);
        command.CommandTimeout = 300;
        command.ExecuteNonQuery();
    }
}
