using Engine.Contracts;
using Engine.Domain.Calendar;
using Engine.Grains.Statistics;
using Engine.Storage.Databases;

namespace Engine.Tests.StorageTests;

/// <summary>
/// Figures "with the courts under it" and the circulated report on each database, read from statistics tables seeded
/// by hand (a high court, two intermediate courts, basic courts under them, and a court outside the tree): one number
/// at every level — a court's rolled-up figures are its own plus those of every court beneath it — and the report's
/// counts per court, division and judge, its reply delays and its pages.
/// </summary>
public abstract class CourtRollupTests
{
    private const int Day = 20261110;
    private static readonly DateTimeOffset Midnight = new(2026, 11, 10, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset Morning = Midnight.AddHours(9);
    private static readonly DateTimeOffset Now = Morning.AddHours(6);

    private static readonly (string Court, string Parent)[] Courts =
    [
        ("high", ""), ("int-1", "high"), ("basic-a", "int-1"), ("basic-b", "int-1"), ("int-2", "high"), ("basic-c", "int-2"), ("lone", ""),
    ];

    private protected abstract StorageProvider Provider { get; }

    [Fact]
    public void A_courts_figures_with_the_courts_under_it_are_its_own_plus_those_of_every_court_beneath_it()
    {
        using var db = Seeded();
        var reader = new StatsReader(db.StatsDatabase, StatsProjectorTests.Projector(db));
        StatsFigures Of(string court, bool subordinate) => reader.GetStats(new StatsQuery(court, null, null, null, null, [], subordinate), 0).Total;

        foreach (var (court, _) in Courts)
        {
            var beneath = reader.GetCourtTree().Subtree(court);
            var summed = beneath.Select(c => Of(c, false)).Aggregate(Enumerable.Repeat(0L, StatsBatch.CounterCount), (sum, f) => sum.Zip(f.Counters, (a, b) => a + b));
            Assert.Equal(summed, Of(court, true).Counters);
        }

        Assert.Equal(1 + 2 + 3 + 4 + 5 + 6, Of("high", true)[StatsCounter.Received]);
        Assert.Equal(2 + 3 + 4, Of("int-1", true)[StatsCounter.Received]);
        Assert.Equal(1, Of("high", false)[StatsCounter.Received]);
        var byCourt = reader.GetStats(new StatsQuery("high", null, null, null, null, [StatsDimension.Court], true), 0);
        Assert.Equal(["basic-a", "basic-b", "basic-c", "high", "int-1", "int-2"], byCourt.Rows.Select(r => r.Keys[0]));
    }

    [Fact]
    public void The_circulated_report_counts_the_supervision_steps_of_the_period_per_court_division_and_judge_with_the_reply_delay()
    {
        using var db = Seeded();
        var reader = new StatsReader(db.StatsDatabase, StatsProjectorTests.Projector(db));
        var report = Report(reader, "high", subordinate: true);

        Assert.Equal("high basic-a basic-b basic-c int-1 int-2", string.Join(" ", report.Courts));
        Assert.Equal((3, 2, 2, 3), (report.Total.Supervised, report.Total.SpeciallySupervised, report.Total.Replied, report.Total.NotReplied));
        Assert.Equal(
            [("basic-a", "civil-1", "judge-1"), ("basic-a", "civil-1", "judge-2"), ("basic-c", "", ""), ("int-1", "civil-1", "judge-1")],
            report.Judges.Select(j => (j.CourtId, j.DivisionId, j.JudgeId)));

        // judge-1 of basic-a: supervised at 09:00 (deadline 08:00), replied at 11:00; specially supervised at 10:00,
        // not replied yet (the report's now is 15:00).
        var first = report.Judges[0];
        Assert.Equal((1, 1, 1, 1), (first.Supervised, first.SpeciallySupervised, first.Replied, first.NotReplied));
        Assert.Equal(7 * 3600, first.MaxDelaySeconds);
        Assert.Equal(((3 * 3600) + (7 * 3600)) / 2.0, first.MeanDelaySeconds);
        var entries = report.Entries.Where(e => e.CourtId == "basic-a" && e.JudgeId == "judge-1").ToList();
        Assert.Equal([(DeadlineStep.Supervision, 3L * 3600), (DeadlineStep.SpecialSupervision, 7L * 3600)], entries.Select(e => (e.Step, e.DelaySeconds)));

        // One number: the intermediate courts' reports and the high court's own add up to the high court's rolled up.
        var parts = new[] { Report(reader, "high", false), Report(reader, "int-1", true), Report(reader, "int-2", true) };
        Assert.Equal(report.Total.Steps, parts.Sum(p => p.Total.Steps));
        Assert.Equal(report.Total.NotReplied, parts.Sum(p => p.Total.NotReplied));
        Assert.Equal(1, Report(reader, "lone", true).Total.Steps);
        Assert.Equal(report.Total.Steps + 1, Report(reader, null, false).Total.Steps);
    }

    [Fact]
    public void The_circulated_reports_pages_walk_its_steps_in_court_division_judge_and_time_order_once_each()
    {
        using var db = Seeded();
        var reader = new StatsReader(db.StatsDatabase, StatsProjectorTests.Projector(db));
        var whole = Report(reader, "high", true);
        var walked = new List<CirculatedEntry>();
        string? after = null;
        do
        {
            var page = reader.GetCirculatedReport(new CirculatedQuery("high", true, Midnight, Midnight.AddDays(1), Now, after, 2), 0);
            Assert.InRange(page.Entries.Length, 1, 2);
            walked.AddRange(page.Entries);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(whole.Entries, walked);
        Assert.Equal(whole.Total.Steps, walked.Count);
        Assert.Equal(walked.OrderBy(e => (e.CourtId, e.DivisionId, e.JudgeId, e.FiredAt, e.TicketId)).ToList(), walked);
    }

    private static CirculatedReport Report(StatsReader reader, string? court, bool subordinate) =>
        reader.GetCirculatedReport(new CirculatedQuery(court, subordinate, Midnight, Midnight.AddDays(1), Now, null, 100), 0);

    private StoreUnderTest Seeded()
    {
        var db = new StoreUnderTest(Provider);
        var stats = db.StatsDatabase;
        foreach (var (court, parent) in Courts)
        {
            stats.Execute("INSERT INTO stats_courts (court_id, parent_court_id) VALUES (@c, @p);", ("@c", court), ("@p", parent.Length == 0 ? null : parent));
        }

        for (var i = 0; i < Courts.Length; i++)
        {
            stats.Execute(
                "INSERT INTO stats_daily (day, court_id, division_id, judge_id, kind, sub_kind, channel, received, supervised, replied) VALUES (@d, @c, 'civil-1', '', 1, 1, 1, @r, @s, @r);",
                ("@d", Day), ("@c", Courts[i].Court), ("@r", (long)i + 1), ("@s", 10L * (i + 1)));
        }

        long Ms(double hours) => Morning.AddHours(hours).ToUnixTimeMilliseconds();
        (string Ticket, DeadlineStep Step, double Fired, string Court, string Division, string Judge, double Due, double? Replied)[] steps =
        [
            ("T1", DeadlineStep.Supervision, 0, "basic-a", "civil-1", "judge-1", -1, 2),
            ("T2", DeadlineStep.SpecialSupervision, 1, "basic-a", "civil-1", "judge-1", -1, null),
            ("T3", DeadlineStep.Supervision, 2, "basic-a", "civil-1", "judge-2", 1, 3),
            ("T4", DeadlineStep.SpecialSupervision, 0.5, "basic-c", "", "", -2, null),
            ("T5", DeadlineStep.Supervision, 3, "int-1", "civil-1", "judge-1", 2.5, null),
            ("T6", DeadlineStep.Urging, 0, "basic-a", "civil-1", "judge-1", 0, null),
            ("T7", DeadlineStep.Supervision, 30, "basic-a", "civil-1", "judge-1", 29, null),
            ("T8", DeadlineStep.Supervision, 1, "lone", "civil-1", "judge-9", 0, 1),
        ];
        foreach (var s in steps)
        {
            stats.Execute(
                """
                INSERT INTO stats_steps (ticket_id, step, fired_ms, court_id, division_id, judge_id, kind, sub_kind, due_ms, replied_ms)
                VALUES (@t, @s, @f, @c, @dv, @j, 1, 1, @due, @r);
                """,
                ("@t", s.Ticket), ("@s", (int)s.Step), ("@f", Ms(s.Fired)), ("@c", s.Court), ("@dv", s.Division), ("@j", s.Judge), ("@due", Ms(s.Due)),
                ("@r", s.Replied is { } r ? Ms(r) : null));
        }

        return db;
    }
}

public sealed class CourtRollupTestsOnSqlite : CourtRollupTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class CourtRollupTestsOnPostgres : CourtRollupTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
