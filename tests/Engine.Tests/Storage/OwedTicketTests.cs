using Engine.Storage.Databases;
using Engine.Domain;

namespace Engine.Tests.StorageTests;

/// <summary>A change that owes a new ticket (a close and its callback) is written with it: both or neither.</summary>
public abstract class OwedTicketTests
{
    private protected abstract StorageProvider Provider { get; }

    [Fact]
    public async Task The_change_and_the_ticket_it_owes_are_stored_together()
    {
        using var db = NewStore();
        var ticket = TestTickets.New(db.Ids.Next());
        await db.Store.CreateAsync(ticket, []);
        var callback = TestTickets.New(db.Ids.Next(), idempotencyKey: "callback:" + ticket.TicketId, kind: TicketKind.Callback);

        await db.Store.UpdateAndCreateAsync(TestTickets.Changed(ticket, TicketState.Closed, "closed"), ticket.Version, [], callback, []);

        Assert.Equal(TicketState.Closed, (db.Store.Load(ticket.TicketId))!.State);
        Assert.NotNull(db.Store.Load(callback.TicketId));
    }

    [Fact]
    public async Task A_refused_change_stores_the_owed_ticket_neither()
    {
        using var db = NewStore();
        var ticket = TestTickets.New(db.Ids.Next());
        await db.Store.CreateAsync(ticket, []);
        var callback = TestTickets.New(db.Ids.Next(), idempotencyKey: "callback:" + ticket.TicketId, kind: TicketKind.Callback);

        await Assert.ThrowsAnyAsync<Exception>(() =>
            db.Store.UpdateAndCreateAsync(TestTickets.Changed(ticket, TicketState.Closed, "closed"), expectedVersion: 7, [], callback, []));

        Assert.Equal(ticket.State, (db.Store.Load(ticket.TicketId))!.State);
        Assert.Null(db.Store.Load(callback.TicketId));
        Assert.Null(db.Store.FindByIdempotencyKey(callback.Channel, callback.IdempotencyKey));
    }

    private StoreUnderTest NewStore() => new(Provider);
}

public sealed class OwedTicketTestsOnSqlite : OwedTicketTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class OwedTicketTestsOnPostgres : OwedTicketTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
