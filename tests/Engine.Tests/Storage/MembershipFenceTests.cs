using Engine.Domain;
using Engine.Contracts.Tickets;
using Engine.Grains.Events;
using Engine.Storage.Databases;
using Engine.Storage.Events;

namespace Engine.Tests.StorageTests;

/// <summary>Cluster mode: once the cluster declares a silo dead (a frozen silo that wakes up, say), nothing it writes is
/// committed — not a ticket, not an event — in the seconds before it learns it is dead and stops.</summary>
public sealed class MembershipFenceTests
{
    private static readonly SiloIdentity Silo = new("fence-test", "127.0.0.1", 11111, 7);

    [Fact]
    public async Task A_silo_declared_dead_commits_nothing_more()
    {
        using var db = new StoreUnderTest(StorageProvider.Postgres);
        var postgres = (PostgresDatabase)db.Database;
        db.Database.Execute("INSERT INTO orleans_membership_version (deployment_id, version) VALUES (@c, 1);", ("@c", Silo.ClusterId));
        db.Database.Execute("""
            INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
            VALUES (@c, @a, @p, @g, 'silo', 'host', 3, 30000, now(), now());
            """, ("@c", Silo.ClusterId), ("@a", Silo.Address), ("@p", Silo.Port), ("@g", Silo.Generation));
        postgres.Fence = Silo;

        var alive = TestTickets.New(db.Ids.Next());
        Assert.Null(await db.Store.CreateAsync(alive, TicketEvents.Rows(TicketAggregate.Created(alive, "test"))));

        db.Database.Execute("UPDATE orleans_membership SET status = @dead WHERE deployment_id = @c;", ("@dead", PostgresDatabase.DeadStatus), ("@c", Silo.ClusterId));
        var late = TestTickets.New(db.Ids.Next());
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => db.Store.CreateAsync(late, TicketEvents.Rows(TicketAggregate.Created(late, "test"))));

        Assert.True(db.Database.IsUnavailable(refused), refused.ToString());
        Assert.Contains("declared dead", refused.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, db.Scalar("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM events"));
        using var outbox = new Outbox(db.Database, db.Notifier);
        EventRow[] courtEvents = [new EventRow("court-x", 1, 0, "directory.court_upserted", TestTickets.Created, "directory", "court-x", TicketKind.Unspecified, [1])];
        Assert.Throws<SiloFencedException>(() => outbox.Append(courtEvents));
        await Assert.ThrowsAsync<SiloFencedException>(() => outbox.WriteAsync(OutboxWrite.Finish("court", "court-x", courtEvents, null)));
        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM events"));
    }
}
