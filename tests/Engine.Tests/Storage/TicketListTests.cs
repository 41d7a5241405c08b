using Engine.Storage.Databases;
using Engine.Contracts;
using Engine.Domain;

namespace Engine.Tests.StorageTests;

/// <summary>Listing tickets: filters and keyset paging in both orders.</summary>
public abstract class TicketListTests
{
    private protected abstract StorageProvider Provider { get; }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Paging_returns_every_ticket_exactly_once_while_new_tickets_arrive(bool oldestFirst)
    {
        using var db = NewStore();
        var existing = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            existing.Add(await Create(db, TestTickets.New(db.Ids.Next())));
        }

        var seen = new List<string>();
        var arrived = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = db.Store.List(CourtQuery(pageSize: 5, after, oldestFirst));
            Assert.InRange(page.Tickets.Length, 1, 5);
            seen.AddRange(TestTickets.Ids(page));
            after = page.NextAfterTicketId;
            Assert.True(after is null || after == seen[^1], "the cursor is the last ticket of the page");
            arrived.Add(await Create(db, TestTickets.New(db.Ids.Next())));
            arrived.Add(await Create(db, TestTickets.New(db.Ids.Next())));
        }
        while (after is not null && ++pages < 100);

        Assert.Null(after);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        if (oldestFirst)
        {
            // Tickets that arrived while paging come after the cursor: all but the two made after the last page.
            Assert.Equal(existing.Concat(arrived.SkipLast(2)), seen);
        }
        else
        {
            // Tickets that arrived while paging are newer than the first page: the walk sees the tickets it started with.
            Assert.Equal(Enumerable.Reverse(existing), seen);
        }
    }

    [Fact]
    public async Task The_last_page_has_no_cursor_even_when_it_is_full()
    {
        using var db = NewStore();
        for (var i = 0; i < 6; i++)
        {
            await Create(db, TestTickets.New(db.Ids.Next()));
        }

        var first = db.Store.List(CourtQuery(pageSize: 3, after: null, oldestFirst: false));
        var second = db.Store.List(CourtQuery(pageSize: 3, first.NextAfterTicketId, oldestFirst: false));

        Assert.NotNull(first.NextAfterTicketId);
        Assert.Equal(3, second.Tickets.Length);
        Assert.Null(second.NextAfterTicketId);
    }

    [Fact]
    public async Task Filters_narrow_the_list_to_matching_tickets()
    {
        using var db = NewStore();
        var mine = await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-1"));
        var closed = await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-1", state: TicketState.Closed));
        var suggestion = await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-1", kind: TicketKind.Suggestion, caseNumber: null));
        var divisionQueue = await Create(db, TestTickets.New(db.Ids.Next(), assigneeType: AssigneeType.Division, assigneeId: "judge-1"));
        var otherJudge = await Create(db, TestTickets.New(db.Ids.Next(), assigneeId: "judge-2"));
        var otherCourt = await Create(db, TestTickets.New(db.Ids.Next(), courtId: "court-b", caseNumber: "(2025)沪01民终7号"));

        var byJudge = await List(db, CourtQuery(100, null, true) with { CourtId = null, AssigneeType = AssigneeType.Judge, AssigneeId = "judge-1" });
        var byState = await List(db, CourtQuery(100, null, true) with { State = TicketState.Closed });
        var byKind = await List(db, CourtQuery(100, null, true) with { Kind = TicketKind.Suggestion });
        var byCase = await List(db, CourtQuery(100, null, true) with { CourtId = null, CaseNumber = TestTickets.CaseNumber });
        var byCourt = await List(db, CourtQuery(100, null, true) with { CourtId = "court-b" });

        Assert.Equal([mine, closed, suggestion, otherCourt], byJudge);
        Assert.Equal([closed], byState);
        Assert.Equal([suggestion], byKind);
        Assert.Equal([mine, closed, divisionQueue, otherJudge], byCase);
        Assert.Equal([otherCourt], byCourt);
    }

    private static TicketQuery CourtQuery(int pageSize, string? after, bool oldestFirst) =>
        new(AssigneeType.Unspecified, null, TestTickets.Court, null, TicketState.Unspecified, TicketKind.Unspecified, pageSize, after, oldestFirst);

    private static async Task<string> Create(StoreUnderTest db, TicketRecord ticket)
    {
        Assert.Null(await db.Store.CreateAsync(ticket, []));
        return ticket.TicketId;
    }

    private static async Task<string[]> List(StoreUnderTest db, TicketQuery query) =>
        [.. TestTickets.Ids(db.Store.List(query))];

    private StoreUnderTest NewStore() => new(Provider);
}

public sealed class TicketListTestsOnSqlite : TicketListTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class TicketListTestsOnPostgres : TicketListTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
