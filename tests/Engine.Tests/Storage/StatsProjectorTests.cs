using Engine.Contracts;
using Engine.Grains.Statistics;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Contracts.Tickets;
using Engine.Grains;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Engine.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Tests.StorageTests;

/// <summary>The stats projector on each database: silos that count at the same time count each event once, a reset
/// counts the log again to the same figures, and retention keeps the events not yet counted.</summary>
public abstract class StatsProjectorTests
{
    private const int Tickets = 1500;

    private protected abstract StorageProvider Provider { get; }

    [Fact]
    public async Task Projectors_counting_the_same_log_at_once_count_every_event_once()
    {
        using var db = new StoreUnderTest(Provider);
        await CreateTicketsAsync(db, Tickets);
        var (first, second) = (Projector(db), Projector(db));

        var counted = await Task.WhenAll(
            Task.Run(() => first.CatchUpAsync(long.MaxValue)), Task.Run(() => second.CatchUpAsync(long.MaxValue)), Task.Run(() => first.CatchUpAsync(long.MaxValue)));

        var head = new EventLog(db.Database).Head();
        Assert.Equal(2 * Tickets, head);
        Assert.All(counted, c => Assert.Equal(head, c));
        Assert.Equal(Tickets, Total(db, first)[StatsCounter.Received]);
        Assert.Equal(Tickets, Total(db, first)[StatsCounter.Dispatched]);
        Assert.Equal(Tickets, StoreUnderTest.Scalar(db.StatsDatabase, "SELECT COUNT(*) FROM stats_tickets"));
    }

    [Fact]
    public async Task A_reset_counts_the_log_again_to_the_same_figures()
    {
        using var db = new StoreUnderTest(Provider);
        await CreateTicketsAsync(db, 300);
        var projector = Projector(db);
        await projector.CatchUpAsync(long.MaxValue);
        var query = new StatsQuery(null, null, null, null, null, [StatsDimension.Court, StatsDimension.Judge, StatsDimension.Day]);
        var before = new StatsReader(db.StatsDatabase, projector).GetStats(query, 0);

        await projector.ResetAsync();
        Assert.Equal(0, projector.Cursor());
        Assert.Equal(0, StoreUnderTest.Scalar(db.StatsDatabase, "SELECT COUNT(*) FROM stats_daily"));
        await projector.CatchUpAsync(long.MaxValue);

        var after = new StatsReader(db.StatsDatabase, projector).GetStats(query, 0);
        Assert.Equal(before.Rows.Select(Flatten), after.Rows.Select(Flatten));
        Assert.Equal(Flatten(before.Total), Flatten(after.Total));
    }

    [Fact]
    public async Task Retention_keeps_the_events_the_statistics_have_not_counted()
    {
        using var db = new StoreUnderTest(Provider);
        var log = new EventLog(db.Database);
        await CreateTicketsAsync(db, 10);
        var projector = Projector(db);
        await projector.CatchUpAsync(long.MaxValue);
        await CreateTicketsAsync(db, 10);

        Assert.Equal(20, log.Trim(keepSince: null, keepEvents: 1, maxSubscriptionLag: 0));
        Assert.Equal(21, log.Earliest());

        await projector.CatchUpAsync(long.MaxValue);
        Assert.Equal(20, Total(db, projector)[StatsCounter.Received]);
    }

    private static string Flatten(StatsFigures f) => $"{string.Join('|', f.Keys)}:{string.Join(',', f.Counters)}:{f.OverdueNow}:{f.P90ReplySeconds}";

    private static StatsFigures Total(StoreUnderTest db, StatsProjector projector) =>
        new StatsReader(db.StatsDatabase, projector).GetStats(new StatsQuery(null, null, null, null, null, []), 0).Total;

    internal static StatsProjector Projector(StoreUnderTest db) =>
        new(db.StatsDatabase, db.Database, new EventLog(db.Database), Microsoft.Extensions.Options.Options.Create(new DeadlineOptions()),
            Microsoft.Extensions.Options.Options.Create(new EventRetentionOptions { KeepEvents = 1 }), NullLogger<StatsProjector>.Instance);

    private protected static async Task CreateTicketsAsync(StoreUnderTest db, int count)
    {
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
        {
            var ticket = TestTickets.New(db.Ids.Next(), caseNumber: null, assigneeId: $"judge-{i % 7}");
            return db.Store.CreateAsync(ticket, TicketEvents.Rows(TicketAggregate.Created(ticket, "test")));
        }));
    }
}

public sealed class StatsProjectorTestsOnSqlite : StatsProjectorTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;

    /// <summary>Decision 30: once a step has counted something, the next waits <see cref="StatsProjectorService.Gather"/>
    /// on the engine's clock, so that under load one step counts many commits.</summary>
    [Fact]
    public async Task The_background_projector_counts_new_events_and_then_gathers_before_its_next_step()
    {
        using var db = new StoreUnderTest(Provider);
        var time = new ObservedClock(TestTickets.Created);
        var projector = Projector(db);
        using var service = new StatsProjectorService(projector, db.Notifier, time, NullLogger<StatsProjectorService>.Instance);
        await service.StartAsync(CancellationToken.None);
        try
        {
            // One ticket: its two events commit together, so the first step counts both and then gathers.
            var gathering = time.TimerStartedAsync(StatsProjectorService.Gather);
            await CreateTicketsAsync(db, 1);
            await gathering.WaitAsync(EventStreams.Patience);
            Assert.Equal(2, projector.Cursor());

            // Until the engine's clock moves on, the service waits on its timer: ten more tickets are not counted.
            await CreateTicketsAsync(db, 10);
            Assert.Equal(2, projector.Cursor());

            var next = time.TimerStartedAsync(StatsProjectorService.Gather);
            time.Advance(StatsProjectorService.Gather);
            await next.WaitAsync(EventStreams.Patience);
            Assert.Equal(22, projector.Cursor());
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}

public sealed class StatsProjectorTestsOnPostgres : StatsProjectorTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
