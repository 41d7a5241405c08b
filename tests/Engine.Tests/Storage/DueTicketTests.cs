using Engine.Storage.Databases;
using Engine.Storage.Tickets;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Tests.StorageTests;

/// <summary>The due-time column the deadline shards read: written with the ticket, in the ticket's shard, cleared
/// when nothing is pending, read earliest first.</summary>
public abstract class DueTicketTests
{
    private protected abstract StorageProvider Provider { get; }

    private static readonly DeadlinePolicy Drill = new(DeadlineSpan.Seconds(60), 0.5, DeadlineSpan.Seconds(10), DeadlineSpan.Seconds(20));
    private static readonly BusinessCalendar Calendar = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), []);

    [Fact]
    public async Task A_ticket_is_due_in_its_shard_from_its_next_step_and_not_once_its_clock_stops()
    {
        using var db = NewStore();
        var start = TestTickets.Created;
        var ticket = TestTickets.New(db.Ids.Next()) with { Deadlines = TicketDeadlines.None.Start(ClockCause.Received, start, Drill, Calendar) };
        await db.Store.CreateAsync(ticket, []);
        var shard = DeadlineShards.Of(ticket.TicketId);

        Assert.Empty(db.Store.Due(shard, start.AddSeconds(29), 10));
        Assert.Empty(db.Store.Due((shard + 1) % DeadlineShards.Count, start.AddSeconds(31), 10));
        var due = Assert.Single(db.Store.Due(shard, start.AddSeconds(31), 10));
        Assert.Equal((ticket.TicketId, start.AddSeconds(30)), due);

        // The warning taken: the row now says the urging.
        var warned = ticket with
        {
            Version = 2,
            Deadlines = ticket.Deadlines.Fired(ticket.Deadlines.Due(start.AddSeconds(31))[0], start.AddSeconds(31), [new Recipient(RecipientRole.Handler, "judge-1")]),
        };
        await db.Store.UpdateAsync(warned, 1, []);
        Assert.Empty(db.Store.Due(shard, start.AddSeconds(59), 10));
        Assert.Equal(start.AddSeconds(60), Assert.Single(db.Store.Due(shard, start.AddSeconds(61), 10)).DueAt);

        var replied = TestTickets.Changed(warned, TicketState.Replied, "replied", "已答复") with { Deadlines = warned.Deadlines!.Stop(start.AddSeconds(40)) };
        await db.Store.UpdateAsync(replied, 2, []);
        Assert.Empty(db.Store.Due(shard, start.AddDays(1), 10));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM tickets WHERE due_at_ms IS NOT NULL OR due_shard IS NOT NULL"));
    }

    [Fact]
    public async Task A_ticket_due_within_a_millisecond_is_not_due_before_its_step()
    {
        using var db = NewStore();
        // Created 0.4 ms into a millisecond: its warning (30 s later) is too. Rounded down, the row was due 0.4 ms
        // before the step, the ticket found nothing to fire, and the shard put it off for a second (decision 77).
        var start = TestTickets.Created.AddTicks(4_000);
        var ticket = TestTickets.New(db.Ids.Next()) with { Deadlines = TicketDeadlines.None.Start(ClockCause.Received, start, Drill, Calendar) };
        await db.Store.CreateAsync(ticket, []);
        var shard = DeadlineShards.Of(ticket.TicketId);
        var step = start.AddSeconds(30);

        Assert.Empty(db.Store.Due(shard, DateTimeOffset.FromUnixTimeMilliseconds(step.ToUnixTimeMilliseconds()), 10));
        Assert.Equal(ticket.TicketId, Assert.Single(db.Store.Due(shard, step.AddTicks(6_000), 10)).TicketId);
    }

    [Fact]
    public async Task Due_tickets_come_earliest_first_and_no_more_than_asked()
    {
        using var db = NewStore();
        var start = TestTickets.Created;
        var tickets = new List<Contracts.TicketRecord>();
        for (var i = 0; tickets.Count < 5; i++)
        {
            var id = db.Ids.Next();
            if (DeadlineShards.Of(id) == 3)
            {
                tickets.Add(TestTickets.New(id) with { Deadlines = TicketDeadlines.None.Start(ClockCause.Received, start.AddSeconds(-i), Drill, Calendar) });
            }
        }

        foreach (var ticket in tickets)
        {
            await db.Store.CreateAsync(ticket, []);
        }

        var due = db.Store.Due(3, start.AddHours(1), 3);

        Assert.Equal(3, due.Count);
        Assert.Equal(due.OrderBy(d => d.DueAt).Select(d => d.TicketId), due.Select(d => d.TicketId));
        Assert.Equal(tickets.OrderBy(t => t.Deadlines!.NextDueAt).Take(3).Select(t => t.TicketId), due.Select(d => d.TicketId));

        // With a moment after which to read (a shard's backlog bound, decision 77): only those due after it.
        var after = db.Store.Due(3, start.AddHours(1), 10, after: due[1].DueAt);
        Assert.Equal(tickets.OrderBy(t => t.Deadlines!.NextDueAt).Skip(2).Select(t => t.TicketId), after.Select(d => d.TicketId));
        Assert.All(after, d => Assert.True(d.DueAt > due[1].DueAt));
    }

    private StoreUnderTest NewStore() => new(Provider);
}

public sealed class DueTicketTestsOnSqlite : DueTicketTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class DueTicketTestsOnPostgres : DueTicketTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
