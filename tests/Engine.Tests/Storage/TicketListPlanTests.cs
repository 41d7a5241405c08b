using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Storage.Tickets;

namespace Engine.Tests.StorageTests;

/// <summary>
/// The pages of tickets and the event log's retention are read through the index that bounds them, on a database
/// without statistics as the engine's SQLite file is: each test reads the rows it asks for on both databases, and on
/// SQLite checks the plan, which names the index (docs/decisions.md, entry 71). Before, a judge's page in a court read
/// the court's tickets, a court's page of one case read the court's, a judge's own tickets were sorted whole, and
/// retention walked every event kept.
/// </summary>
public abstract class TicketListPlanTests
{
    private protected abstract StorageProvider Provider { get; }

    private static TicketQuery Query(AssigneeType type = AssigneeType.Unspecified, string? assignee = null, string? court = null, string? caseNumber = null, bool heldOnly = false) =>
        new(type, assignee, court, caseNumber, TicketState.Unspecified, TicketKind.Unspecified, 50, null, OldestFirst: false, HeldOnly: heldOnly);

    [Fact]
    public async Task A_judge_s_page_in_a_court_is_read_through_the_judge_s_tickets_not_the_court_s()
    {
        using var db = await SeedAsync();
        var (plan, ids) = Read(db, Query(AssigneeType.Judge, "judge-1", TestTickets.Court));

        Assert.Equal(["t-01", "t-02", "t-06"], ids);
        Sqlite(plan, uses: "ix_tickets_assignee (assignee_type=? AND assignee_id=?)", avoids: "ix_tickets_court");
    }

    [Fact]
    public async Task A_judge_s_own_tickets_are_read_in_the_judge_s_index_order_without_the_delegated_ones()
    {
        using var db = await SeedAsync();
        var (plan, ids) = Read(db, Query(AssigneeType.Judge, "judge-1", heldOnly: true));

        Assert.Equal(["t-01", "t-02", "t-05"], ids);
        Sqlite(plan, uses: "ix_tickets_assignee (assignee_type=? AND assignee_id=?)", avoids: "TEMP B-TREE");
    }

    [Fact]
    public async Task A_court_s_page_of_one_case_is_read_through_the_case()
    {
        using var db = await SeedAsync();
        var (plan, ids) = Read(db, Query(court: TestTickets.Court, caseNumber: "case-2"));

        Assert.Equal(["t-03", "t-04"], ids);
        Sqlite(plan, uses: "(case_number=?)", avoids: "ix_tickets_court");
    }

    [Fact]
    public async Task A_division_s_page_in_a_court_is_read_through_the_court_as_its_id_is_shared_by_every_court()
    {
        using var db = await SeedAsync();
        var (plan, ids) = Read(db, Query(AssigneeType.Division, "civil-1", TestTickets.Court));

        Assert.Equal(["t-07"], ids);
        Sqlite(plan, uses: "ix_tickets_court (court_id=?)", avoids: "ix_tickets_assignee");
    }

    [Fact]
    public void Retention_finds_the_last_event_to_trim_through_the_time_index()
    {
        using var db = new StoreUnderTest(Provider);
        using var connection = db.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = EventLog.OlderThanSql;
        command.Add("@since", 1_000L);

        Assert.Equal(0L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        Sqlite(QueryPlans.Of(command, Provider), uses: "ix_events_at (at_ms<?)", avoids: "PRIMARY KEY");
    }

    /// <summary>judge-1 holds t-01, t-02 (court-a, case-1) and t-05 (court-b); t-06 in court-a was delegated away from
    /// judge-1 to judge-2; judge-2 holds t-03, t-04 (court-a, case-2); division civil-1 holds t-07 in court-a and t-08 in
    /// court-b.</summary>
    private async Task<StoreUnderTest> SeedAsync()
    {
        var db = new StoreUnderTest(Provider);
        TicketRecord[] tickets =
        [
            TestTickets.New("t-01", assigneeId: "judge-1", caseNumber: "case-1"),
            TestTickets.New("t-02", assigneeId: "judge-1", caseNumber: "case-1"),
            TestTickets.New("t-03", assigneeId: "judge-2", caseNumber: "case-2"),
            TestTickets.New("t-04", assigneeId: "judge-2", caseNumber: "case-2"),
            TestTickets.New("t-05", courtId: "court-b", assigneeId: "judge-1", caseNumber: "case-3"),
            TestTickets.New("t-06", assigneeId: "judge-2", caseNumber: "case-4") with { DelegatedFrom = "judge-1" },
            TestTickets.New("t-07", assigneeType: AssigneeType.Division, assigneeId: "civil-1", caseNumber: "case-5"),
            TestTickets.New("t-08", courtId: "court-b", assigneeType: AssigneeType.Division, assigneeId: "civil-1", caseNumber: "case-6"),
        ];
        foreach (var ticket in tickets)
        {
            Assert.Null(await db.Store.CreateAsync(ticket, []));
        }

        return db;
    }

    /// <summary>The plan of a page, and the ids it reads, oldest first.</summary>
    private (string Plan, List<string> Ids) Read(StoreUnderTest db, TicketQuery query)
    {
        using var connection = db.Database.Open();
        using var command = TicketStore.ListCommand(connection, query);
        var ids = db.Store.List(query).Tickets.Select(t => t.TicketId).Order(StringComparer.Ordinal).ToList();
        return (QueryPlans.Of(command, Provider), ids);
    }

    private void Sqlite(string plan, string uses, string avoids)
    {
        if (Provider == StorageProvider.Sqlite)
        {
            Assert.Contains(uses, plan, StringComparison.Ordinal);
            Assert.DoesNotContain(avoids, plan, StringComparison.Ordinal);
        }
    }
}

public sealed class TicketListPlanTestsOnSqlite : TicketListPlanTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class TicketListPlanTestsOnPostgres : TicketListPlanTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
