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
        var outbox = new Outbox(store.Database, store.Notifier);
        var events = Events("(2025)沪0101民初1号");
        outbox.Mark("case", "(2025)沪0101民初1号");

        outbox.FinishPending("case", "(2025)沪0101民初1号", events);
        outbox.FinishPending("case", "(2025)沪0101民初1号", events);

        Assert.Equal(1, store.Scalar("SELECT count(*) FROM events"));
        Assert.Equal(0, store.Scalar("SELECT count(*) FROM outbox_pending"));
    }

    [Fact]
    public async Task Activating_a_grain_that_is_not_pending_writes_nothing_known_or_unknown()
    {
        using var store = new StoreUnderTest();
        var outbox = new Outbox(store.Database, store.Notifier);
        outbox.Mark("case", "(2025)沪0101民初9号");
        using var watch = store.Database.Open();
        var versionBefore = DataVersion(watch);

        // A known case whose events are in the log (its state still holds them), and a case that does not exist.
        outbox.FinishPending("case", "(2025)沪0101民初2号", Events("(2025)沪0101民初2号"));
        outbox.FinishPending("case", "(2025)沪0101民初3号", []);

        Assert.Equal(0, store.Scalar("SELECT count(*) FROM events"));
        Assert.Equal(1, store.Scalar("SELECT count(*) FROM outbox_pending"));
        Assert.Equal(versionBefore, DataVersion(watch));
    }

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
