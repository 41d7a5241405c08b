using System.Threading.RateLimiting;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Api.Security;

/// <summary>
/// What one process lets through: calls per second per key (token bucket), unary calls in progress, open event
/// streams, password look-ups per source, case and phone, and failed look-ups per key. Everything beyond a limit is refused at once with
/// RESOURCE_EXHAUSTED and a google.rpc.RetryInfo saying when to try again — never queued without bound.
/// </summary>
public sealed class CallLimits : IDisposable
{
    private static readonly TimeSpan BusyRetry = TimeSpan.FromMilliseconds(100);

    private readonly SecurityOptions _options;
    private readonly PartitionedRateLimiter<Principal> _perKey;
    private readonly PartitionedRateLimiter<string> _lookups;
    private readonly PartitionedRateLimiter<string> _searches;
    private readonly LookupFailureBudget _failures;
    private readonly ILogger<CallLimits> _logger;
    private int _calls;
    private int _streams;

    public CallLimits(IOptions<SecurityOptions> options, ILogger<CallLimits> logger)
    {
        _options = options.Value;
        _logger = logger;
        _failures = new LookupFailureBudget(_options.Lookup.FailuresPerKeyPerMinute, TimeProvider.System);
        _perKey = PartitionedRateLimiter.Create<Principal, string>(caller =>
        {
            var rate = caller.RatePerSecond > 0 ? caller.RatePerSecond : _options.DefaultRatePerSecond;
            return RateLimitPartition.GetTokenBucketLimiter(caller.RateBucket, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate,
                TokensPerPeriod = rate,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        var lookup = _options.Lookup;
        _lookups = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
        {
            PermitLimit = k[0] switch { 'c' => lookup.PerCasePerMinute, 'p' => lookup.PerPhonePerMinute, _ => lookup.PerSourcePerMinute },
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        var search = _options.PublicSearch;
        _searches = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
        {
            PermitLimit = k[0] == 'k' ? search.PerKeyPerMinute : search.PerSourcePerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Counts a self-service search against its key and its key's end user (<paramref name="source"/>).</summary>
    public void TakePublicSearch(Principal caller, string source)
    {
        foreach (var key in new[] { "k" + (caller.KeyId ?? "open"), "s" + source })
        {
            using var lease = _searches.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                throw Exhausted("too many searches; try again later", RetryAfter(lease, TimeSpan.FromMinutes(1)));
            }
        }
    }

    /// <summary>Takes one call of <paramref name="caller"/>'s rate (no limit when authentication is off).</summary>
    public void TakeRate(Principal caller)
    {
        if (caller.KeyId is null)
        {
            return;
        }

        using var lease = _perKey.AttemptAcquire(caller);
        if (!lease.IsAcquired)
        {
            throw Exhausted($"key {caller.KeyId} is over its rate of {(caller.RatePerSecond > 0 ? caller.RatePerSecond : _options.DefaultRatePerSecond)} calls a second", RetryAfter(lease, TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>Counts a unary call in progress until disposed; refuses when the process already has its limit.</summary>
    public Slot EnterCall() => Enter(ref _calls, _options.MaxConcurrentCalls, "calls in progress", BusyRetry, call: true);

    /// <summary>Counts an open event stream until disposed.</summary>
    public Slot EnterStream() => Enter(ref _streams, _options.MaxSubscriptions, "event streams open", TimeSpan.FromSeconds(1), call: false);

    /// <summary>Counts a password look-up against its key's failures, and against its source, case and phone (every
    /// attempt counts there, whatever it finds, so that being throttled says nothing about the case). Answers the
    /// bucket of the key's failures: give it back with <see cref="LookupDidNotFail"/> unless the look-up failed.</summary>
    public string TakeLookup(Principal caller, string source, string? caseNumber, string phone)
    {
        var bucket = caller.KeyId ?? "open";
        if (!_failures.TryTake(bucket, out var retryAfter, out var firstRefusal))
        {
            if (firstRefusal)
            {
                SecurityLog.LookupFailuresSpent(_logger, caller.KeyId ?? "(none: authentication is off)", _options.Lookup.FailuresPerKeyPerMinute);
            }

            throw Exhausted("too many failed look-ups with this key; try again later", retryAfter);
        }

        try
        {
            foreach (var key in new[] { "s" + source, caseNumber is null ? null : "c" + caseNumber, "p" + phone })
            {
                if (key is null)
                {
                    continue;
                }

                using var lease = _lookups.AttemptAcquire(key);
                if (!lease.IsAcquired)
                {
                    throw Exhausted("too many look-ups; try again later", RetryAfter(lease, TimeSpan.FromMinutes(1)));
                }
            }
        }
        catch
        {
            _failures.GiveBack(bucket);
            throw;
        }

        return bucket;
    }

    /// <summary>The look-up found the case, or could not be answered: it does not count as a failure.</summary>
    public void LookupDidNotFail(string bucket) => _failures.GiveBack(bucket);

    private Slot Enter(ref int counter, int limit, string what, TimeSpan retry, bool call)
    {
        if (Interlocked.Increment(ref counter) > limit)
        {
            Interlocked.Decrement(ref counter);
            throw Exhausted($"the engine has its limit of {limit} {what}; retry shortly", retry);
        }

        return new Slot(this, call);
    }

    private static TimeSpan RetryAfter(RateLimitLease lease, TimeSpan fallback) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : fallback;

    private static RpcException Exhausted(string message, TimeSpan retryAfter) => new Google.Rpc.Status
    {
        Code = (int)Code.ResourceExhausted,
        Message = message,
        Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }) },
    }.ToRpcException();

    public void Dispose()
    {
        _perKey.Dispose();
        _lookups.Dispose();
        _searches.Dispose();
    }

    /// <summary>A place among the calls (or streams) in progress, given back on dispose.</summary>
    public readonly struct Slot(CallLimits owner, bool call) : IDisposable
    {
        public void Dispose()
        {
            if (call)
            {
                Interlocked.Decrement(ref owner._calls);
            }
            else
            {
                Interlocked.Decrement(ref owner._streams);
            }
        }
    }
}
