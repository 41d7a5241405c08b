using Engine.Storage.Databases;
using Engine.Contracts;
using Engine.Domain;

namespace Engine.Tests.StorageTests;

/// <summary>Open tickets per judge, which the least-loaded rule reads after a restart.</summary>
public abstract class OpenLoadTests
{
    private protected abstract StorageProvider Provider { get; }

    [Fact]
    public async Task Only_open_tickets_assigned_to_judges_of_the_court_count()
    {
        using var db = NewStore();
        foreach (var state in new[] { TicketState.Received, TicketState.Dispatched, TicketState.Accepted, TicketState.Returned, TicketState.Reopened })
        {
            await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-1", state: state));
        }

        foreach (var state in new[] { TicketState.AnsweredOnSpot, TicketState.Replied, TicketState.Closed, TicketState.Merged, TicketState.Cancelled })
        {
            await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-1", state: state));
        }

        await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-2", state: TicketState.Accepted));
        await Create(db, TestTickets.New(db.Ids.Next(), assigneeType: AssigneeType.Division, assigneeId: "civil"));
        await Create(db, TestTickets.New(db.Ids.Next(), assigneeType: AssigneeType.Division, assigneeId: "judge-3"));
        await Create(db, TestTickets.New(db.Ids.Next(), assigneeType: AssigneeType.PlatformQueue, assigneeId: "court-a-platform"));
        await Create(db, TestTickets.New(db.Ids.Next(), courtId: "court-b", assigneeId: "judge-1"));
        await Create(db, TestTickets.New(db.Ids.Next(), courtId: "court-b", assigneeId: "judge-4"));

        var loads = db.Store.OpenLoads(TestTickets.Court);

        Assert.Equal(new Dictionary<string, int> { ["judge-1"] = 5, ["judge-2"] = 1 }, loads);
    }

    [Fact]
    public async Task A_ticket_stops_counting_once_an_update_closes_it()
    {
        using var db = NewStore();
        var ticket = TestTickets.New(db.Ids.Next(), assigneeId: "judge-1");
        await Create(db, ticket);
        await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-1"));
        Assert.Equal(2, (db.Store.OpenLoads(TestTickets.Court))["judge-1"]);

        var replied = TestTickets.Changed(ticket, TicketState.Replied, "reply", reply: "已回复");
        await db.Store.UpdateAsync(replied, expectedVersion: 1, []);

        Assert.Equal(1, (db.Store.OpenLoads(TestTickets.Court))["judge-1"]);
    }

    [Fact]
    public async Task A_court_without_tickets_has_no_loads()
    {
        using var db = NewStore();
        await Create(db, TestTickets.New(db.Ids.Next()));

        Assert.Empty(db.Store.OpenLoads("court-without-tickets"));
    }

    [Fact]
    public async Task A_court_s_loads_are_read_through_the_court_s_index_not_through_every_judge_s_tickets()
    {
        // Without it a court's first activation read every ticket assigned to any judge in the country: SQLite chose the
        // assignee index for its order of the GROUP BY (docs/decisions.md, entry 70).
        using var db = NewStore();
        await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-1"));
        using var connection = db.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Engine.Storage.Tickets.TicketStore.OpenLoadsSql;
        command.Add("@court", TestTickets.Court);
        var plan = QueryPlans.Of(command, Provider);

        Assert.DoesNotContain("ix_tickets_assignee", plan, StringComparison.Ordinal);
        if (Provider == StorageProvider.Sqlite)
        {
            Assert.Contains("USING INDEX ix_tickets_court (court_id=?)", plan, StringComparison.Ordinal);
        }
    }

    private static async Task Create(StoreUnderTest db, TicketRecord ticket) => Assert.Null(await db.Store.CreateAsync(ticket, []));

    private StoreUnderTest NewStore() => new(Provider);
}

public sealed class OpenLoadTestsOnSqlite : OpenLoadTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class OpenLoadTestsOnPostgres : OpenLoadTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
