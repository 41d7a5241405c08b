using Engine.Storage.Databases;
using Engine.Storage.Timers;

namespace Engine.Tests.StorageTests;

/// <summary>The timer rows of grains with timers of their own (a judge; decision 61): due in their shard earliest
/// first, pulled only earlier, forgotten on none, and not written again at the moment they already hold, so that a
/// repeated wake in a burst does not queue behind the database's writer.</summary>
public abstract class DueTimerTests
{
    private static readonly DateTimeOffset Moment = new(2026, 12, 7, 8, 30, 0, TimeSpan.FromHours(8));

    private protected abstract StorageProvider Provider { get; }

    [Fact]
    public void A_timer_row_is_due_in_its_shard_earliest_first_and_forgotten_when_set_to_none()
    {
        using var db = new StoreUnderTest(Provider);
        var timers = new DueTimers(db.Database);
        var owners = Enumerable.Range(0, 40).Select(i => "judge:court/civil-1/" + i).ToList();
        foreach (var (i, owner) in owners.Index())
        {
            timers.Schedule(owner, Moment.AddSeconds(i % 7));
        }

        var shard = DueTimers.ShardOf(owners[0]);
        var mine = owners.Where(o => DueTimers.ShardOf(o) == shard).ToList();
        Assert.Equal(
            mine.OrderBy(o => owners.IndexOf(o) % 7).ThenBy(o => o, StringComparer.Ordinal).Select(o => owners.IndexOf(o) % 7),
            timers.Due(shard, Moment.AddSeconds(10), 100).Select(o => owners.IndexOf(o.OwnerKey) % 7));
        Assert.All(timers.Due(shard, Moment.AddSeconds(10), 100), o => Assert.Equal(Moment.AddSeconds(owners.IndexOf(o.OwnerKey) % 7), o.DueAt));
        Assert.Empty(timers.Due(shard, Moment.AddSeconds(-1), 100));

        // With a moment after which to read (a shard's backlog bound, decision 77): only those due after it.
        Assert.Equal(
            mine.Where(o => owners.IndexOf(o) % 7 > 3).OrderBy(o => owners.IndexOf(o) % 7).ThenBy(o => o, StringComparer.Ordinal),
            timers.Due(shard, Moment.AddSeconds(10), 100, after: Moment.AddSeconds(3)).Select(o => o.OwnerKey));

        timers.Schedule(owners[0], null);
        Assert.Null(timers.Find(owners[0]));
        Assert.DoesNotContain(owners[0], timers.Due(shard, Moment.AddDays(1), 100).Select(o => o.OwnerKey));
    }

    [Fact]
    public void A_timer_set_within_a_millisecond_is_not_due_before_its_moment()
    {
        using var db = new StoreUnderTest(Provider);
        var timers = new DueTimers(db.Database);
        const string owner = "case:（2026）沪0115民初1号";
        var moment = Moment.AddTicks(4_000);

        timers.Schedule(owner, moment);

        Assert.Empty(timers.Due(DueTimers.ShardOf(owner), Moment, 10));
        Assert.Equal(owner, Assert.Single(timers.Due(DueTimers.ShardOf(owner), moment.AddTicks(6_000), 10)).OwnerKey);
    }

    [Fact]
    public void Pulling_earlier_moves_a_row_earlier_and_never_later()
    {
        using var db = new StoreUnderTest(Provider);
        var timers = new DueTimers(db.Database);
        timers.Schedule("judge:a", Moment);

        timers.PullEarlier([("judge:a", Moment.AddHours(1)), ("judge:b", Moment.AddHours(1))]);
        Assert.Equal(((DateTimeOffset?)Moment, (DateTimeOffset?)Moment.AddHours(1)), (timers.Find("judge:a"), timers.Find("judge:b")));

        timers.PullEarlier([("judge:a", Moment.AddHours(-1))]);
        Assert.Equal(Moment.AddHours(-1), timers.Find("judge:a"));

        // Schedule sets the exact moment, later included: the owner calls it after the write that did what was due.
        timers.Schedule("judge:a", Moment.AddDays(1));
        Assert.Equal(Moment.AddDays(1), timers.Find("judge:a"));
    }

    [Fact]
    public async Task Setting_a_row_to_the_moment_it_holds_does_not_wait_for_a_writer_that_holds_it()
    {
        using var db = new StoreUnderTest(Provider);
        var timers = new DueTimers(db.Database);
        timers.Schedule("judge:a", Moment);

        // Another writer holds the row (on SQLite, the file's one write lock) until the end of the test.
        using var connection = db.Database.Open();
        using var transaction = connection.BeginTransaction();
        using var hold = connection.CreateCommand();
        hold.Transaction = transaction;
        hold.CommandText = "UPDATE due_timers SET due_at_ms = due_at_ms WHERE owner_key = 'judge:a';";
        Assert.Equal(1, hold.ExecuteNonQuery());

        await Task.Run(() => timers.Schedule("judge:a", Moment)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Moment, timers.Find("judge:a"));
        transaction.Rollback();
    }
}

public sealed class DueTimerTestsOnSqlite : DueTimerTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class DueTimerTestsOnPostgres : DueTimerTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
