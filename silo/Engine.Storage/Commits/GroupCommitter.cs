using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Engine.Contracts;
using Engine.Storage.Databases;

namespace Engine.Storage.Commits;

/// <summary>Commits a batch in one transaction and fills one result per write (an Exception fails only that
/// write). If it throws, every write of the batch fails with that exception.</summary>
public delegate void CommitBatch<TWrite>(IReadOnlyList<TWrite> writes, Span<object?> results);

/// <summary>
/// Group commit: callers queue writes; one dedicated thread takes everything queued so far (up to a batch) and
/// commits it in one transaction, then completes each caller. No write waits for a timer: a batch is whatever
/// arrived while the previous commit (and its fsync) ran, so batches grow with load and stay at one under none.
/// Traced as a span per caller (<see cref="WaitSpan"/>, in the caller's trace: the queue and the commit) and a span
/// per batch (<see cref="CommitSpan"/>, its own trace, tagged with its size and linked to its callers' spans).
/// </summary>
public sealed class GroupCommitter<TWrite> : IDisposable
    where TWrite : class
{
    private static readonly Histogram<int> BatchWrites = StorageMetrics.Meter.CreateHistogram<int>(
        "engine.commit.writes", "{write}", "Writes committed together in one transaction by a group committer");

    private static readonly Histogram<double> CommitTime = StorageMetrics.Meter.CreateHistogram<double>(
        "engine.commit.duration", "ms", "Time a group committer's transaction took, its sync to disk included");

    public const string WaitSpan = "engine.commit.wait";
    public const string CommitSpan = "engine.commit";

    /// <summary>Links a batch's span keeps to its callers' spans; OpenTelemetry's default limit.</summary>
    private const int MaxLinks = 128;

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
        using var span = Telemetry.Activities.StartActivity(WaitSpan);
        span?.SetTag(_tag.Key, _tag.Value);
        var pending = new Pending(write, span?.Context ?? default);
        try
        {
            await _queue.Writer.WriteAsync(pending).ConfigureAwait(false);
            return await pending.Completion.Task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
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
        // The thread took the execution context of whoever built the committer: a batch belongs to no caller's trace.
        Activity.Current = null;
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
            using var span = StartCommitSpan(batch);
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
                span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
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

    private Activity? StartCommitSpan(List<Pending> batch)
    {
        if (!Telemetry.Activities.HasListeners())
        {
            return null;
        }

        var links = batch.Where(p => p.Caller != default).Take(MaxLinks).Select(p => new ActivityLink(p.Caller));
        var span = Telemetry.Activities.StartActivity(CommitSpan, ActivityKind.Internal, parentContext: default, links: links);
        span?.SetTag(_tag.Key, _tag.Value);
        span?.SetTag("engine.commit.writes", batch.Count);
        return span;
    }

    private sealed class Pending(TWrite write, ActivityContext caller)
    {
        public TWrite Write { get; } = write;

        /// <summary>The caller's wait span, which the batch's span links to.</summary>
        public ActivityContext Caller { get; } = caller;

        // Callers continue on the thread pool, never on the committer's thread.
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
