using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using HdrHistogram;

namespace Engine.Load;

/// <summary>Drives one kind of call open loop (fixed arrival rate; latency counted from when each call was due, so
/// a stall is charged to every call it delayed) or closed loop (fixed concurrency), with a warm-up, printing
/// progress each second.</summary>
internal static class Driver
{
    public static async Task<Result> RunAsync(string mode, int rate, int concurrency, TimeSpan warmup, TimeSpan duration, GrpcChannel[] channels, Func<GrpcChannel, Task<string?>> call)
    {
        var result = new Result();
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        using var progress = new Timer(_ => result.Print(clock.Elapsed, warmup), null, 1000, 1000);
        if (mode == "open")
        {
            using var inFlight = new SemaphoreSlim(20_000);
            var calls = new List<Task>();
            for (long n = 0; ; n++)
            {
                var due = TimeSpan.FromSeconds((double)n / rate);
                if (due >= end)
                {
                    break;
                }

                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                await inFlight.WaitAsync();
                var channel = channels[n % channels.Length];
                calls.Add(Task.Run(async () =>
                {
                    try
                    {
                        await result.TimeAsync(() => call(channel), clock, due, warmup);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }));
            }

            await Task.WhenAll(calls);
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
            {
                var channel = channels[w % channels.Length];
                while (clock.Elapsed < end)
                {
                    await result.TimeAsync(() => call(channel), clock, clock.Elapsed, warmup);
                }
            })));
        }

        result.Measured = duration;
        return result;
    }

    /// <summary>Latencies (HdrHistogram, microseconds up to 10 minutes, 3 significant digits) and errors by status
    /// code, after the warm-up, with the engine's sentence for each (so a report says why, not only how many).</summary>
    public sealed class Result
    {
        /// <summary>Different sentences kept: an error that names a ticket or a key makes one per call.</summary>
        public const int MaxReasons = 20;

        private readonly LongHistogram _histogram = new(600_000_000, 3);
        private readonly ConcurrentDictionary<string, long> _errors = new();
        private readonly ConcurrentDictionary<string, long> _reasons = new();
        private long _count;

        public TimeSpan Measured { get; set; }

        /// <summary>Calls answered after the warm-up.</summary>
        public long Calls => Interlocked.Read(ref _count);

        public double Throughput => _count / Math.Max(Measured.TotalSeconds, 1e-9);

        public long ErrorCount => _errors.Values.Sum();

        public async Task TimeAsync(Func<Task<string?>> call, Stopwatch clock, TimeSpan intended, TimeSpan warmup)
        {
            try
            {
                await call();
                if (intended >= warmup)
                {
                    var micros = (long)(clock.Elapsed - intended).TotalMicroseconds;
                    lock (_histogram)
                    {
                        _histogram.RecordValue(Math.Max(1, micros));
                    }

                    Interlocked.Increment(ref _count);
                }
            }
            catch (RpcException ex)
            {
                _errors.AddOrUpdate(ex.StatusCode.ToString(), 1, (_, n) => n + 1);
                var reason = $"{ex.StatusCode}: {ex.Status.Detail}";
                if (_reasons.ContainsKey(reason) || _reasons.Count < MaxReasons)
                {
                    _reasons.AddOrUpdate(reason, 1, (_, n) => n + 1);
                }
            }
        }

        public double Ms(double percentile)
        {
            lock (_histogram)
            {
                return _histogram.TotalCount == 0 ? 0 : (percentile >= 100 ? _histogram.GetMaxValue() : _histogram.GetValueAtPercentile(percentile)) / 1000.0;
            }
        }

        public void Print(TimeSpan elapsed, TimeSpan warmup) =>
            Console.WriteLine(elapsed < warmup
                ? $"  {elapsed.TotalSeconds:F0}s warming up"
                : $"  {elapsed.TotalSeconds:F0}s {_count / Math.Max((elapsed - warmup).TotalSeconds, 1e-9):F0}/s p50 {Ms(50):F1} ms p99 {Ms(99):F1} ms errors {ErrorCount}");

        public Dictionary<string, object> Summary() => new()
        {
            ["throughputPerSecond"] = Throughput,
            ["calls"] = _count,
            ["latencyMs"] = new Dictionary<string, double> { ["p50"] = Ms(50), ["p90"] = Ms(90), ["p99"] = Ms(99), ["p99.9"] = Ms(99.9), ["max"] = Ms(100) },
            ["errorsByStatus"] = new Dictionary<string, long>(_errors),
            ["errorReasons"] = Reasons(),
        };

        /// <summary>The errors' sentences, most frequent first; calls whose sentence came after
        /// <see cref="MaxReasons"/> others are counted by status only.</summary>
        public Dictionary<string, long> Reasons() =>
            _reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Value);

        /// <summary>One line per error sentence, for the console.</summary>
        public void PrintErrors()
        {
            foreach (var (reason, count) in Reasons())
            {
                Console.WriteLine($"  {count:N0} × {reason}");
            }
        }
    }
}
