using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Tests.Support;
using Npgsql;

namespace Engine.Tests.StorageTests;

/// <summary>
/// The event log's numbers are continuous and handed out in commit order: an append that rolls back or dies gives its
/// numbers back, an event already in the log takes none, and a reader that has passed a number never later finds an
/// event below it — with appends from several connections at once (several silos), some of them killed mid-append.
/// </summary>
public abstract class EventSequenceTests(StorageProvider provider)
{
    [Fact]
    public void A_rolled_back_append_gives_its_numbers_back()
    {
        using var db = new StoreUnderTest(provider);
        Append(db.Database, Events("a", 1, 2));
        using (var connection = db.Database.Open())
        using (var transaction = connection.BeginTransaction())
        {
            db.Database.BeforeAppendingEvents(transaction);
            using var insert = new EventInsert(connection, db.Database) { Transaction = transaction };
            Assert.Equal(4, insert.Append(Events("b", 1, 2)));
            transaction.Rollback();
        }

        Assert.Equal(4, Append(db.Database, Events("c", 1, 2)));
        Assert.Equal([1L, 2, 3, 4], Sequences(db.Database));
    }

    [Fact]
    public void An_event_already_in_the_log_takes_no_number()
    {
        using var db = new StoreUnderTest(provider);
        Append(db.Database, Events("a", 1, 2));

        Assert.Equal(4, Append(db.Database, [.. Events("a", 1, 1), .. Events("a", 2, 1), .. Events("b", 1, 1)]));
        Assert.Equal(0, Append(db.Database, Events("a", 1, 1)));
        Assert.Equal(5, Append(db.Database, Events("c", 1, 1)));
        Assert.Equal([1L, 2, 3, 4, 5], Sequences(db.Database));
    }

    [Fact]
    public async Task Concurrent_appends_some_of_them_killed_give_a_reader_every_number_once_in_order()
    {
        using var db = new StoreUnderTest(provider);
        var log = new EventLog(db.Database);
        var committed = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            for (var i = 0; i < 60; i++)
            {
                var events = Events($"w{w}-{i}", 1, random.Next(1, 5));
                var ending = random.Next(4);
                try
                {
                    using var connection = db.Database.Open();
                    using var transaction = connection.BeginTransaction();
                    db.Database.BeforeAppendingEvents(transaction);
                    using var insert = new EventInsert(connection, db.Database) { Transaction = transaction };
                    insert.Append(events);
                    if (ending == 0)
                    {
                        transaction.Rollback();
                        continue;
                    }

                    if (ending == 1 && connection is NpgsqlConnection postgres)
                    {
                        // Another session ends this one while it holds the lock and its numbers, as a crash would.
                        Terminate(db.Database, postgres.ProcessID);
                    }

                    transaction.Commit();
                    committed.Add(events[0].AggregateId);
                }
                catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
                {
                    // The killed session: nothing it appended was committed.
                }
            }
        })).ToList();

        var seen = new List<long>();
        var reader = Task.Run(async () =>
        {
            while (true)
            {
                // Asked before the read: an empty read after the writers have all finished means the log is read.
                var finished = stop.IsCancellationRequested;
                var last = seen.Count == 0 ? 0 : seen[^1];
                var batch = log.Read(last, EventFilter.All, 50);
                seen.AddRange(batch.Events.Select(e => e.Sequence));
                if (finished && batch.Events.Length == 0)
                {
                    return;
                }

                await Task.Yield();
            }
        });

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await reader;

        Assert.Equal(Enumerable.Range(1, seen.Count).Select(n => (long)n), seen);
        var stored = StoreUnderTest.Scalar(db.Database, "SELECT COUNT(*) FROM events");
        Assert.Equal(stored, seen.Count);
        Assert.Equal(committed.Count, (int)StoreUnderTest.Scalar(db.Database, "SELECT COUNT(DISTINCT aggregate_id) FROM events"));
    }

    private static long Append(Database database, IReadOnlyList<EventRow> events)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        database.BeforeAppendingEvents(transaction);
        using var insert = new EventInsert(connection, database) { Transaction = transaction };
        var head = insert.Append(events);
        transaction.Commit();
        return head;
    }

    private static List<long> Sequences(Database database)
    {
        using var connection = database.Open();
        using var command = connection.Command("SELECT sequence FROM events ORDER BY sequence;");
        var sequences = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }

    private static EventRow[] Events(string aggregate, long version, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new EventRow(aggregate, version, i, "ticket.received", TestTickets.Created, "test", "court", TicketKind.Consultation, [1, 2, 3]))];

    private static void Terminate(Database database, int processId)
    {
        using var connection = database.Open();
        using var command = connection.Command("SELECT pg_terminate_backend(@pid);");
        command.Add("@pid", processId);
        command.ExecuteNonQuery();
    }
}

public sealed class EventSequenceTestsOnSqlite() : EventSequenceTests(StorageProvider.Sqlite);

public sealed class EventSequenceTestsOnPostgres() : EventSequenceTests(StorageProvider.Postgres);
