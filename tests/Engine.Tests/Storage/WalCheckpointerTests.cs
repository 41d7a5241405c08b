
namespace Engine.Tests.StorageTests;

/// <summary>SQLite's log is copied into the database file by the checkpoint thread, not by the committer, and it
/// starts over once it is large even while writes never stop.</summary>
public sealed class WalCheckpointerTests
{
    [Fact]
    public async Task Committed_tickets_reach_the_database_file_while_the_engine_runs()
    {
        using var db = new StoreUnderTest();
        var file = new FileInfo(db.Settings.DatabasePath);
        var before = file.Length;

        // Small waves, so that the writes span several commits and wake the checkpoint thread.
        for (var wave = 0; wave < 10; wave++)
        {
            await CreateAsync(db, 50);
        }

        // The committer runs without SQLite's automatic checkpoints, so only that thread can grow the file. The last
        // commit woke it: at the latest, the pass after the one running now (if any) copies everything committed.
        // The pass is taken before the file is looked at, so that a pass ending in between is not missed.
        for (var pass = 0; pass < 2; pass++)
        {
            var next = db.Store.Checkpointer!.NextPassAsync();
            file.Refresh();
            if (file.Length > before + (100 << 10))
            {
                break;
            }

            await next.WaitAsync(TimeSpan.FromSeconds(30));
        }

        file.Refresh();

        Assert.True(file.Length > before + (100 << 10), $"the database file is still {file.Length:N0} bytes (was {before:N0})");
        Assert.Equal(500, db.Scalar("SELECT COUNT(*) FROM tickets;"));
    }

    [Fact]
    public async Task A_long_log_starts_over_though_writes_never_pause()
    {
        using var db = new StoreUnderTest(restartPages: 64);
        var checkpointer = db.Store.Checkpointer!;
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var restartsBefore = LogRestarts(db);

        // Writers that never pause: the committer always has a batch waiting, so the log is never idle long
        // enough for a background pass to copy all of it, which SQLite needs before it can start the log over.
        var writers = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            var written = 0;
            while (checkpointer.Restarts < 3 && !enough.IsCancellationRequested)
            {
                Assert.Null(await db.Store.CreateAsync(TestTickets.New(db.Ids.Next()), []));
                written++;
            }

            return written;
        })).ToArray();
        var total = (await Task.WhenAll(writers)).Sum();

        Assert.True(checkpointer.Restarts >= 3, $"{checkpointer.Passes} passes and {checkpointer.Restarts} restarts in 30 s");
        // The third restart is written to the header with the next frame, which nobody writes now.
        Assert.True(LogRestarts(db) >= restartsBefore + 2, $"the log's header counts {LogRestarts(db)} restarts (was {restartsBefore})");
        Assert.Equal(total, db.Scalar("SELECT COUNT(*) FROM tickets;"));
    }

    /// <summary>The checkpoint sequence in the log file's header (bytes 12–15, big-endian): SQLite adds one each time
    /// the log starts over from its first frame.</summary>
    private static uint LogRestarts(StoreUnderTest db)
    {
        var path = db.Settings.DatabasePath + "-wal";
        if (!File.Exists(path))
        {
            return 0;
        }

        using var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[16];
        return log.Read(header) == 16 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[12..]) : 0;
    }

    private static async Task CreateAsync(StoreUnderTest db, int count)
    {
        var holders = await Task.WhenAll(Enumerable.Range(0, count)
            .Select(_ => TestTickets.New(db.Ids.Next()))
            .Select(t => Task.Run(() => db.Store.CreateAsync(t, []))));
        Assert.All(holders, Assert.Null);
    }
}
