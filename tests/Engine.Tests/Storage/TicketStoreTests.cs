using Engine.Storage.Databases;
using Engine.Storage.Tickets;
using Engine.Contracts;
using Engine.Domain;

namespace Engine.Tests.StorageTests;

/// <summary>Writing tickets: create, the idempotency claim, group commit, optimistic updates.</summary>
public abstract class TicketStoreTests
{
    private protected abstract StorageProvider Provider { get; }

    [Fact]
    public async Task A_created_ticket_loads_back_equal()
    {
        using var db = NewStore();
        var ticket = TestTickets.New(db.Ids.Next());

        var holder = await db.Store.CreateAsync(ticket, []);

        Assert.Null(holder);
        TestTickets.AssertSame(ticket, db.Store.Load(ticket.TicketId));
        Assert.Equal(ticket.TicketId, db.Store.FindByIdempotencyKey(ticket.Channel, ticket.IdempotencyKey));
    }

    [Fact]
    public async Task An_unknown_ticket_loads_as_null()
    {
        using var db = NewStore();

        Assert.Null(db.Store.Load(db.Ids.Next()));
        Assert.Null(db.Store.FindByIdempotencyKey(Channel.Hotline, "no-such-key"));
    }

    [Fact]
    public async Task A_second_ticket_with_the_same_channel_and_key_gets_the_first_ticket_id_and_stores_nothing()
    {
        using var db = NewStore();
        var first = TestTickets.New(db.Ids.Next(), idempotencyKey: "retry-1");
        var retry = TestTickets.New(db.Ids.Next(), idempotencyKey: "retry-1") with { Content = "重复提交" };
        await db.Store.CreateAsync(first, []);

        var holder = await db.Store.CreateAsync(retry, []);

        Assert.Equal(first.TicketId, holder);
        Assert.Null(db.Store.Load(retry.TicketId));
        TestTickets.AssertSame(first, db.Store.Load(first.TicketId));
        Assert.Equal(1, db.Scalar("SELECT COUNT(*) FROM tickets;"));
        Assert.Equal(1, db.Scalar("SELECT COUNT(*) FROM ticket_idempotency;"));
    }

    [Fact]
    public async Task The_same_key_on_another_channel_makes_another_ticket()
    {
        using var db = NewStore();
        var byPhone = TestTickets.New(db.Ids.Next(), idempotencyKey: "shared-key", channel: Channel.Hotline);
        var byWeb = TestTickets.New(db.Ids.Next(), idempotencyKey: "shared-key", channel: Channel.Web);

        Assert.Null(await db.Store.CreateAsync(byPhone, []));
        Assert.Null(await db.Store.CreateAsync(byWeb, []));

        Assert.Equal(byWeb.TicketId, db.Store.FindByIdempotencyKey(Channel.Web, "shared-key"));
        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM tickets;"));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_store_one_ticket_and_all_learn_its_id()
    {
        using var db = NewStore();
        var attempts = Enumerable.Range(0, 20).Select(_ => TestTickets.New(db.Ids.Next(), idempotencyKey: "burst")).ToArray();

        var holders = await Task.WhenAll(attempts.Select(t => Task.Run(() => db.Store.CreateAsync(t, []))));

        var winners = attempts.Where((_, i) => holders[i] is null).ToArray();
        var winner = Assert.Single(winners);
        Assert.All(holders.Where(h => h is not null), h => Assert.Equal(winner.TicketId, h));
        Assert.Equal(1, db.Scalar("SELECT COUNT(*) FROM tickets;"));
    }

    [Fact]
    public async Task Five_hundred_concurrent_creates_all_land_in_fewer_commits_than_writes()
    {
        using var db = NewStore();
        var tickets = Enumerable.Range(0, 500).Select(_ => TestTickets.New(db.Ids.Next())).ToArray();

        var holders = await Task.WhenAll(tickets.Select(t => Task.Run(() => db.Store.CreateAsync(t, []))));

        Assert.All(holders, Assert.Null);
        Assert.Equal(500, db.Scalar("SELECT COUNT(*) FROM tickets;"));
        foreach (var ticket in tickets)
        {
            Assert.NotNull(db.Store.Load(ticket.TicketId));
        }

        Assert.Equal(500, db.Store.Committer.Writes);
        Assert.True(db.Store.Committer.Batches < db.Store.Committer.Writes, $"{db.Store.Committer.Batches} batches for {db.Store.Committer.Writes} writes: no group commit");
    }

    [Fact]
    public async Task An_update_with_the_expected_version_replaces_the_ticket()
    {
        using var db = NewStore();
        var created = TestTickets.New(db.Ids.Next());
        await db.Store.CreateAsync(created, []);
        var replied = TestTickets.Changed(created, TicketState.Replied, "reply", reply: "已联系承办法官，请耐心等待。");

        await db.Store.UpdateAsync(replied, expectedVersion: created.Version, []);

        var loaded = db.Store.Load(created.TicketId);
        TestTickets.AssertSame(replied, loaded);
        Assert.Equal(2, loaded!.Version);
        Assert.Equal(2, db.Scalar($"SELECT version FROM tickets WHERE ticket_id = '{created.TicketId}';"));
        Assert.Equal((int)TicketState.Replied, db.Scalar($"SELECT state FROM tickets WHERE ticket_id = '{created.TicketId}';"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task An_update_with_a_stale_version_throws_and_leaves_the_stored_ticket_unchanged(long staleVersion)
    {
        using var db = NewStore();
        var created = TestTickets.New(db.Ids.Next());
        await db.Store.CreateAsync(created, []);
        var accepted = TestTickets.Changed(created, TicketState.Accepted, "accept");
        await db.Store.UpdateAsync(accepted, expectedVersion: 1, []);
        var lostUpdate = TestTickets.Changed(created, TicketState.Cancelled, "cancel");

        Assert.Equal(EngineErrorKind.Aborted, (await Assert.ThrowsAsync<EngineException>(() => db.Store.UpdateAsync(lostUpdate, staleVersion, []))).Kind);

        TestTickets.AssertSame(accepted, db.Store.Load(created.TicketId));
    }

    [Fact]
    public async Task An_update_of_a_ticket_never_created_throws_and_stores_nothing()
    {
        using var db = NewStore();
        var ghost = TestTickets.New(db.Ids.Next());

        Assert.Equal(EngineErrorKind.Aborted, (await Assert.ThrowsAsync<EngineException>(() => db.Store.UpdateAsync(ghost, expectedVersion: 1, []))).Kind);

        Assert.Null(db.Store.Load(ghost.TicketId));
    }

    [Fact]
    public async Task A_refused_update_does_not_refuse_the_writes_committed_with_it()
    {
        using var db = NewStore();
        var existing = TestTickets.New(db.Ids.Next());
        await db.Store.CreateAsync(existing, []);
        var fresh = Enumerable.Range(0, 50).Select(_ => TestTickets.New(db.Ids.Next())).ToArray();
        var stale = TestTickets.Changed(existing, TicketState.Closed, "close");

        var creates = fresh.Select(t => db.Store.CreateAsync(t, [])).ToArray();
        var refused = db.Store.UpdateAsync(stale, expectedVersion: 7, []);
        var good = db.Store.UpdateAsync(TestTickets.Changed(existing, TicketState.Accepted, "accept"), expectedVersion: 1, []);

        Assert.Equal(EngineErrorKind.Aborted, (await Assert.ThrowsAsync<EngineException>(() => refused)).Kind);
        await good;
        await Task.WhenAll(creates);
        Assert.Equal(51, db.Scalar("SELECT COUNT(*) FROM tickets;"));
        Assert.Equal(TicketState.Accepted, (db.Store.Load(existing.TicketId))!.State);
    }

    [Fact]
    public async Task The_open_duplicate_is_the_callers_oldest_open_ticket_on_the_case_and_kind_in_the_window()
    {
        using var db = NewStore();
        var since = TestTickets.Created.AddDays(-7);
        var tooOld = TestTickets.New(db.Ids.Next()) with { CreatedAt = since.AddMinutes(-1), UpdatedAt = since.AddMinutes(-1) };
        var closed = TestTickets.New(db.Ids.Next(), state: TicketState.Closed) with { CreatedAt = since.AddHours(1), UpdatedAt = since.AddHours(1) };
        var oldest = TestTickets.New(db.Ids.Next()) with { CreatedAt = since.AddHours(2), UpdatedAt = since.AddHours(2) };
        var newer = TestTickets.New(db.Ids.Next()) with { CreatedAt = since.AddHours(3), UpdatedAt = since.AddHours(3) };
        var otherKind = TestTickets.New(db.Ids.Next(), kind: TicketKind.CaseInquiry) with { CreatedAt = since.AddHours(1), UpdatedAt = since.AddHours(1) };
        var otherCaller = TestTickets.New(db.Ids.Next()) with { Caller = new CallerInfo("测试甲", "13800000002", CallerRole.Party), CreatedAt = since, UpdatedAt = since };
        var otherCase = TestTickets.New(db.Ids.Next(), caseNumber: "(2025)沪01民终7号") with { CreatedAt = since, UpdatedAt = since };
        foreach (var ticket in new[] { newer, tooOld, closed, oldest, otherKind, otherCaller, otherCase })
        {
            Assert.Null(await db.Store.CreateAsync(ticket, []));
        }

        var phone = oldest.Caller.Phone;
        Assert.Equal(oldest.TicketId, db.Store.FindOpenDuplicate(TestTickets.CaseNumber, TicketKind.ContactJudge, phone, since));
        Assert.Equal(otherKind.TicketId, db.Store.FindOpenDuplicate(TestTickets.CaseNumber, TicketKind.CaseInquiry, phone, since));
        Assert.Equal(newer.TicketId, db.Store.FindOpenDuplicate(TestTickets.CaseNumber, TicketKind.ContactJudge, phone, since.AddHours(2.5)));
        Assert.Null(db.Store.FindOpenDuplicate(TestTickets.CaseNumber, TicketKind.ContactJudge, "13800000009", since));
        Assert.Null(db.Store.FindOpenDuplicate(TestTickets.CaseNumber, TicketKind.ContactJudge, phone, since.AddDays(1)));

        // Closing the oldest makes the next one the duplicate.
        await db.Store.UpdateAsync(TestTickets.Changed(oldest, TicketState.Closed, "close"), expectedVersion: 1, []);
        Assert.Equal(newer.TicketId, db.Store.FindOpenDuplicate(TestTickets.CaseNumber, TicketKind.ContactJudge, phone, since));
    }

    private protected StoreUnderTest NewStore() => new(Provider);
}

public sealed class TicketStoreTestsOnSqlite : TicketStoreTests
{
    private protected override StorageProvider Provider => StorageProvider.Sqlite;

    [Fact]
    public void The_duplicate_look_up_reads_the_case_index_alone_and_needs_no_sort()
    {
        using var db = NewStore();
        using var connection = db.Database.Open();
        using var command = connection.Command("EXPLAIN QUERY PLAN " + TicketStore.OpenDuplicateSql);
        foreach (var name in new[] { "@case", "@phone", "@kind", "@since" })
        {
            command.Add(name, 0);
        }

        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var steps = string.Join(" | ", plan);
        Assert.Contains("COVERING INDEX ix_tickets_case_caller (case_number=? AND caller_phone=? AND kind=? AND created_at_ms>?)", steps);
        Assert.DoesNotContain("TEMP B-TREE", steps);
    }
}

public sealed class TicketStoreTestsOnPostgres : TicketStoreTests
{
    private protected override StorageProvider Provider => StorageProvider.Postgres;
}
