using Engine.Storage.Events;
using System.Collections.Concurrent;
using Engine.Contracts.Tickets;
using Engine.Grains.Events;
using Engine.Storage.Databases;
using Engine.Storage.Tickets;
using Engine.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Engine.Tests.StorageTests;

/// <summary>The ticket committer on a disk that fills up: a write it cannot store is refused as "full" with its whole
/// batch (not tried again one write at a time), a run of failed batches is logged once rather than once per batch, and
/// the same store takes writes again as soon as space is freed.</summary>
public sealed class FullDiskCommitTests
{
    private const int Wave = 100;

    [Fact]
    public async Task A_full_disk_refuses_whole_batches_logs_the_run_once_and_the_same_store_takes_writes_again_once_space_is_freed()
    {
        using var disk = new SmallFileSystem(megabytes: 8);
        using var logs = new CapturedLogs();
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(logs));
        using var db = new StoreUnderTest(dataDirectory: disk.Path, logger: logging.CreateLogger<TicketStore>());
        var stored = new ConcurrentBag<string>();
        Assert.Empty(await WaveAsync(db, stored));

        disk.Fill();
        var refused = new List<Exception>();
        for (var wave = 0; wave < 50 && refused.Count < 5 * Wave; wave++)
        {
            refused.AddRange(await WaveAsync(db, stored));
        }

        Assert.True(refused.Count >= 5 * Wave, $"only {refused.Count} writes were refused on a full disk");
        Assert.All(refused, ex => Assert.True(db.Database.IsFull(ex), $"refused otherwise than as full: {ex}"));
        Assert.Empty(logs.Containing("one by one"));
        var runs = logs.Containing("Commits succeed again").Count + 1;
        Assert.InRange(logs.Containing("A commit of").Count, 1, runs);

        disk.Free();

        Assert.Empty(await WaveAsync(db, stored));
        Assert.NotEmpty(logs.Containing("Commits succeed again"));
        await CheckpointedAsync(db);
        Assert.Equal(stored.Count, db.Scalar("SELECT COUNT(*) FROM tickets;"));
        Assert.Equal(2 * stored.Count, db.Scalar("SELECT COUNT(*) FROM events;"));
        Assert.Equal("ok", IntegrityCheck(db));
    }

    [Fact]
    public void A_disk_that_fails_a_read_or_a_write_is_unavailable_and_a_full_one_is_full_however_deep_the_driver_error_is_wrapped()
    {
        var database = new SqliteDatabase("Data Source=:memory:");

        // Orleans' grain storage wraps what the driver threw in an exception of its own.
        static Exception Wrapped(int code) => new Orleans.Runtime.OrleansException("Error from storage provider AdoNetGrainStorage during WriteStateAsync", new SqliteException($"SQLite Error {code}", code));

        Assert.True(database.IsFull(Wrapped(SqliteDatabase.Full)));
        Assert.False(database.IsUnavailable(Wrapped(SqliteDatabase.Full)));
        Assert.True(database.IsUnavailable(Wrapped(SqliteDatabase.IoError)));
        Assert.True(database.IsUnavailable(Wrapped(SqliteDatabase.CantOpen)));
        Assert.True(database.IsUnavailable(Wrapped(SqliteDatabase.Busy)));
        Assert.False(database.RefusesEverything(Wrapped(19))); // a constraint: the fault of one write, not of the disk
    }

    /// <summary>Writes a wave of new tickets at once (several batches); answers the refusals, and keeps the ids stored.</summary>
    private static async Task<List<Exception>> WaveAsync(StoreUnderTest db, ConcurrentBag<string> stored)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Wave).Select(_ => Task.Run(async () =>
        {
            var ticket = TestTickets.New(db.Ids.Next());
            try
            {
                Assert.Null(await db.Store.CreateAsync(ticket, TicketEvents.Rows(TicketAggregate.Created(ticket, "test"))));
                stored.Add(ticket.TicketId);
                return null;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                return ex;
            }
        })));
        return [.. outcomes.OfType<Exception>()];
    }

    /// <summary>Waits for the checkpoint thread, which met the full disk too, to copy the whole log into the database
    /// file again: the file then holds every page the database has.</summary>
    private static async Task CheckpointedAsync(StoreUnderTest db)
    {
        var file = new FileInfo(db.Settings.DatabasePath);
        for (var pass = 0; ; pass++)
        {
            var next = db.Store.Checkpointer!.NextPassAsync();
            file.Refresh();
            if (file.Length == db.Scalar("PRAGMA page_count;") * db.Scalar("PRAGMA page_size;"))
            {
                return;
            }

            Assert.True(pass < 20, $"the database file is {file.Length:N0} bytes, short of its {db.Scalar("PRAGMA page_count;"):N0} pages, after {pass} checkpoint passes");
            await next.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static string IntegrityCheck(StoreUnderTest db)
    {
        using var connection = db.Database.Open();
        using var command = connection.Command("PRAGMA integrity_check;");
        return (string)command.ExecuteScalar()!;
    }
}
