using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Engine.Storage.Databases;

namespace Engine.Storage.Commits;

/// <summary>Commits a batch in one transaction and fills one result per write (an Exception fails only that
/// write). If it throws, every write of the batch fails with that exception.</summary>
public delegate void CommitBatch<TWrite>(IReadOnlyList<TWrite> writes, Span<object?> results);

/// <summary>
/// Group commit: callers queue writes; one dedicated thread takes everything queued so far (up to a batch) and
/// commits it in one transaction, then completes each caller. No write waits for a timer: a batch is whatever
/// arrived while the previous commit (and its fsync) ran, so batches grow with load and stay at one under none.
/// </summary>
public sealed class GroupCommitter<TWrite> : IDisposable
    where TWrite : class
{
    private static readonly Histogram<int> BatchWrites = StorageMetrics.Meter.CreateHistogram<int>(
        "engine.commit.writes", "{write}", "Writes committed together in one transaction by a group committer");

    private static readonly Histogram<double> CommitTime = StorageMetrics.Meter.CreateHistogram<double>(
        "engine.commit.duration", "ms", "Time a group committer's transaction took, its sync to disk included");

    private readonly KeyValuePair<string, object?> _tag;
    private readonly Channel<Pending> _queue;
    private readonly CommitBatch<TWrite> _commit;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Thread _thread;

    // The committer's thread only: the run of failed batches under way. A full disk or a database that went away fails
    // every batch (hundreds a second under load); the run is logged when it starts, when its reason changes and when
    // it ends, not once per batch.
    private long _failedBatches;
    private long _refusedWrites;
    private long _failingSince;
    private string? _failure;

    public GroupCommitter(string name, CommitBatch<TWrite> commit, int maxBatch, int maxQueued, ILogger logger)
    {
        _commit = commit;
        _maxBatch = maxBatch;
        _logger = logger;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(maxQueued)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _tag = new KeyValuePair<string, object?>("committer", name);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Batches committed so far and writes in them, for measurements.</summary>
    public long Batches { get; private set; }

    public long Writes { get; private set; }

    public async Task<object?> WriteAsync(TWrite write)
    {
        var pending = new Pending(write);
        await _queue.Writer.WriteAsync(pending).ConfigureAwait(false);
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(30));
    }

    private void Run()
    {
        var batch = new List<Pending>(_maxBatch);
        var writes = new List<TWrite>(_maxBatch);
        var results = new object?[_maxBatch];
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            writes.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                writes.Add(pending.Write);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            Array.Clear(results);
            try
            {
                var started = Stopwatch.GetTimestamp();
                _commit(writes, results.AsSpan(0, batch.Count));
                CommitTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, _tag);
                BatchWrites.Record(batch.Count, _tag);
                Batches++;
                Writes += batch.Count;
                if (_failedBatches > 0)
                {
                    StorageLog.CommitsRecovered(_logger, _failedBatches, _refusedWrites, Stopwatch.GetElapsedTime(_failingSince));
                    (_failedBatches, _refusedWrites, _failure) = (0, 0, null);
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    if (results[i] is Exception failure)
                    {
                        batch[i].Completion.TrySetException(failure);
                    }
                    else
                    {
                        batch[i].Completion.TrySetResult(results[i]);
                    }
                }
            }
            catch (Exception ex)
            {
                if (_failedBatches++ == 0)
                {
                    _failingSince = Stopwatch.GetTimestamp();
                }

                _refusedWrites += batch.Count;
                if (!string.Equals(_failure, ex.Message, StringComparison.Ordinal))
                {
                    _failure = ex.Message;
                    StorageLog.BatchFailed(_logger, ex, batch.Count);
                }

                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    private sealed class Pending(TWrite write)
    {
        public TWrite Write { get; } = write;

        // Callers continue on the thread pool, never on the committer's thread.
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
