using Engine.Domain;
using Engine.Storage.Events;
using V1 = Engine.V1;

namespace Engine.Tests.StorageTests;

/// <summary>What a grain kept as state does at activation with the events of its last change (decision 16):
/// append them only when a crash may have kept them from the log, and otherwise write nothing.</summary>
public sealed class OutboxTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_grain_marked_pending_appends_its_events_once_and_is_unmarked()
    {
        using var store = new StoreUnderTest();
        using var outbox = new Outbox(store.Database, store.Notifier);
        var events = Events("(2025)沪0101民初1号");
        await outbox.WriteAsync(OutboxWrite.Mark("case", "(2025)沪0101民初1号", null));

        await outbox.FinishPendingAsync("case", "(2025)沪0101民初1号", events);
        await outbox.FinishPendingAsync("case", "(2025)沪0101民初1号", events);

        Assert.Equal(1, store.Scalar("SELECT count(*) FROM events"));
        Assert.Equal(0, store.Scalar("SELECT count(*) FROM outbox_pending"));
    }

    [Fact]
    public async Task Activating_a_grain_that_is_not_pending_writes_nothing_known_or_unknown()
    {
        using var store = new StoreUnderTest();
        using var outbox = new Outbox(store.Database, store.Notifier);
        await outbox.WriteAsync(OutboxWrite.Mark("case", "(2025)沪0101民初9号", null));
        using var watch = store.Database.Open();
        var versionBefore = DataVersion(watch);

        // A known case whose events are in the log (its state still holds them), and a case that does not exist.
        await outbox.FinishPendingAsync("case", "(2025)沪0101民初2号", Events("(2025)沪0101民初2号"));
        await outbox.FinishPendingAsync("case", "(2025)沪0101民初3号", []);

        Assert.Equal(0, store.Scalar("SELECT count(*) FROM events"));
        Assert.Equal(1, store.Scalar("SELECT count(*) FROM outbox_pending"));
        Assert.Equal(versionBefore, DataVersion(watch));
    }

    [Fact]
    public async Task A_change_marks_the_grain_with_its_wake_pulled_earlier_then_appends_its_events_unmarked_with_the_wake_set()
    {
        using var store = new StoreUnderTest();
        using var outbox = new Outbox(store.Database, store.Notifier);
        const string Case = "(2025)沪0101民初4号";
        var owner = "case:" + Case;
        await outbox.WriteAsync(OutboxWrite.Finish("case", Case, [], new OutboxWake(owner, At.AddHours(2))));

        // The mark, with the wake pulled earlier (never later) in the same transaction, before the state write.
        await outbox.WriteAsync(OutboxWrite.Mark("case", Case, new OutboxWake(owner, At.AddHours(1))));
        Assert.Equal((1, At.AddHours(1).ToUnixTimeMilliseconds()), (store.Scalar("SELECT count(*) FROM outbox_pending"), DueAt(store, owner)));
        await outbox.WriteAsync(OutboxWrite.Mark("case", Case, new OutboxWake(owner, At.AddHours(5))));
        Assert.Equal((1, At.AddHours(1).ToUnixTimeMilliseconds()), (store.Scalar("SELECT count(*) FROM outbox_pending"), DueAt(store, owner)));

        // After it: the events in the log, the mark gone and the wake where the change puts it, later too.
        await outbox.WriteAsync(OutboxWrite.Finish("case", Case, Events(Case), new OutboxWake(owner, At.AddHours(3))));
        Assert.Equal((1, 0, At.AddHours(3).ToUnixTimeMilliseconds()), (store.Scalar("SELECT count(*) FROM events"), store.Scalar("SELECT count(*) FROM outbox_pending"), DueAt(store, owner)));

        // A change that leaves nothing to wake for forgets the row; one without a wake leaves rows alone.
        await outbox.WriteAsync(OutboxWrite.Finish("case", Case, [], new OutboxWake(owner, null)));
        Assert.Equal(0, store.Scalar($"SELECT count(*) FROM due_timers WHERE owner_key = '{owner}'"));
        await outbox.WriteAsync(OutboxWrite.Mark("court", "sh-pudong", null));
        await outbox.WriteAsync(OutboxWrite.Finish("court", "sh-pudong", [], null));
        Assert.Equal((0, 0), (store.Scalar("SELECT count(*) FROM due_timers"), store.Scalar("SELECT count(*) FROM outbox_pending")));
    }

    [Fact]
    public async Task Changes_of_many_grains_committed_together_each_land_whole_and_the_log_numbers_stay_continuous()
    {
        using var store = new StoreUnderTest();
        using var outbox = new Outbox(store.Database, store.Notifier);
        var cases = Enumerable.Range(1, 300).Select(i => $"(2025)沪0101民初{1000 + i}号").ToArray();

        await Task.WhenAll(cases.Select(async c =>
        {
            await outbox.WriteAsync(OutboxWrite.Mark("case", c, new OutboxWake("case:" + c, At)));
            await outbox.WriteAsync(OutboxWrite.Finish("case", c, Events(c), new OutboxWake("case:" + c, At.AddDays(1))));
        }));

        Assert.Equal((300, 0, 300), (store.Scalar("SELECT count(*) FROM events"), store.Scalar("SELECT count(*) FROM outbox_pending"),
            store.Scalar($"SELECT count(*) FROM due_timers WHERE due_at_ms = {At.AddDays(1).ToUnixTimeMilliseconds()}")));
        Assert.Equal((1, 300), (store.Scalar("SELECT min(sequence) FROM events"), store.Scalar("SELECT max(sequence) FROM events")));
        Assert.Equal(cases.Length, store.Scalar("SELECT count(DISTINCT aggregate_id) FROM events"));
    }

    private static long DueAt(StoreUnderTest store, string owner) => store.Scalar($"SELECT due_at_ms FROM due_timers WHERE owner_key = '{owner}'");

    /// <summary>SQLite's count of commits by other connections, as seen from <paramref name="connection"/>.</summary>
    private static long DataVersion(System.Data.Common.DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA data_version;";
        return (long)command.ExecuteScalar()!;
    }

    private static EventRow[] Events(string caseNumber) =>
        [EncodedEvent.Of("case.upserted", new V1.CaseUpserted { Case = new V1.Case { CaseNumber = caseNumber } }).Row(caseNumber, 1, 0, At, "case-management", "sh-pudong")];
}
