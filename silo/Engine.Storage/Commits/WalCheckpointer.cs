using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Engine.Storage.Databases;

namespace Engine.Storage.Commits;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a thread of its own, so that the ticket committer
/// never does it on a commit's path. Left to SQLite, the commit that takes the log past 1,000 pages copies them all
/// and syncs the file before it returns; under intake that cost a fifth of the throughput (docs/decisions.md, 28).
/// <para>
/// The committer's connection runs with automatic checkpoints off. This thread runs passive checkpoints, which
/// neither wait for nor block the committer or any reader, at most every <see cref="Interval"/> while commits
/// arrive. A passive checkpoint cannot start the log over while the committer keeps appending to it, so once the
/// log holds <see cref="StorageOptions.CheckpointRestartPages"/> pages this thread runs passes back to back until one
/// finds little left to copy, and then the committer finishes the checkpoint itself between two batches (a stall of
/// a few milliseconds: only the pages written since that pass are left); its next transaction writes the log from
/// the start again, and SQLite truncates the file to <see cref="KeptLogBytes"/>.
/// </para>
/// </summary>
public sealed class WalCheckpointer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    public const long KeptLogBytes = 64L << 20;

    /// <summary>Pages a pass may still have found uncopied for the committer to finish the log (1 MiB).</summary>
    private const long LeftForCommitter = 256;

    private const int MaxExtraPasses = 8;

    private static readonly Histogram<double> PassTime = StorageMetrics.Meter.CreateHistogram<double>(
        "engine.checkpoint.duration", "ms", "Time a pass of the SQLite log checkpoint took");

    private static readonly Histogram<long> PassPages = StorageMetrics.Meter.CreateHistogram<long>(
        "engine.checkpoint.log_pages", "{page}", "Pages in the SQLite log when a checkpoint pass ran");

    private readonly Database _database;
    private readonly int _restartPages;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _committed = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private int _signalled;
    private volatile bool _restartDue;
    private TaskCompletionSource _passed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WalCheckpointer(Database database, int restartPages, ILogger logger)
    {
        _database = database;
        _restartPages = restartPages;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "wal-checkpoint" };
        _thread.Start();
    }

    /// <summary>Passes this thread has run, for tests and measurements.</summary>
    public long Passes { get; private set; }

    /// <summary>Completes when the next pass of this thread has run (tests wait on it rather than on the clock).</summary>
    internal Task NextPassAsync() => Volatile.Read(ref _passed).Task;

    /// <summary>Times the committer finished a pass itself so that the log could start over.</summary>
    public long Restarts { get; private set; }

    /// <summary>Sets up the committer's connection: no automatic checkpoints, a bounded log file.</summary>
    public static void TakeOver(DbConnection writer)
    {
        using var pragma = writer.CreateCommand();
        pragma.CommandText = $"PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit={KeptLogBytes};";
        pragma.ExecuteNonQuery();
    }

    /// <summary>Called by the committer after each commit, on its own thread and connection. Never throws: the
    /// commit stands whatever happens to its checkpoint.</summary>
    public void Committed(DbConnection writer)
    {
        if (_restartDue)
        {
            _restartDue = false;
            try
            {
                Checkpoint(writer);
                Restarts++;
            }
            catch (DbException ex)
            {
                StorageLog.CheckpointFailed(_logger, ex);
            }
        }

        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _committed.Release();
        }
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(30));
        _committed.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        DbConnection? connection = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                _committed.Wait(_stop.Token);
                // Wait a little so that a page changed by many commits is copied once, not once per commit.
                _stop.Token.WaitHandle.WaitOne(Interval);
                Volatile.Write(ref _signalled, 0);
                try
                {
                    connection ??= Open();
                    var (logPages, copied) = Pass(connection);
                    // Past the restart size: passes back to back until one has little left to copy, so that
                    // the committer's own pass, which a commit waits for, copies only what came after it.
                    for (var more = 1; logPages >= _restartPages && !_restartDue && !_stop.IsCancellationRequested; more++)
                    {
                        var before = copied;
                        (logPages, copied) = Pass(connection);
                        // Close enough, or as close as it gets when writes outpace the passes: the committer copies the rest.
                        _restartDue = logPages - before <= LeftForCommitter || more == MaxExtraPasses;
                    }
                }
                catch (DbException ex)
                {
                    // The next pass tries again on a new connection; until then SQLite's log only grows.
                    StorageLog.CheckpointFailed(_logger, ex);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private (long LogPages, long Copied) Pass(DbConnection connection)
    {
        var started = Stopwatch.GetTimestamp();
        var result = Checkpoint(connection);
        PassTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        PassPages.Record(result.LogPages);
        Passes++;
        Interlocked.Exchange(ref _passed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return result;
    }

    private DbConnection Open()
    {
        var connection = _database.Open();
        _database.PrepareWriter(connection);
        return connection;
    }

    /// <returns>The pages in the log, and how many of them are now copied into the database file.</returns>
    private static (long LogPages, long Copied) Checkpoint(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }
}
