using System.Collections.Concurrent;

namespace Engine.Api.Security;

/// <summary>
/// Failed password look-ups per key: a token bucket holding <c>perMinute</c> tokens, refilled at that many a minute.
/// A look-up takes a token before it runs and gives it back unless it failed, so concurrent attempts cannot overdraw
/// the bucket and a key whose look-ups succeed is never slowed. Keyed by the key alone: the end user the adapter names
/// in <c>x-end-user</c> plays no part, so rotating it gains nothing.
/// </summary>
public sealed class LookupFailureBudget(int perMinute, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Takes a token of <paramref name="key"/>. False when none is left, with when the next one comes and
    /// whether this is the first refusal since the key last had one (to log once, not per refusal).</summary>
    public bool TryTake(string key, out TimeSpan retryAfter, out bool firstRefusal)
    {
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(perMinute, time.GetTimestamp()));
        lock (bucket)
        {
            Refill(bucket);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens--;
                bucket.Refusing = false;
                retryAfter = TimeSpan.Zero;
                firstRefusal = false;
                return true;
            }

            retryAfter = TimeSpan.FromMinutes((1 - bucket.Tokens) / perMinute);
            firstRefusal = !bucket.Refusing;
            bucket.Refusing = true;
            return false;
        }
    }

    /// <summary>Gives back a token taken for a look-up that did not fail.</summary>
    public void GiveBack(string key)
    {
        if (_buckets.TryGetValue(key, out var bucket))
        {
            lock (bucket)
            {
                Refill(bucket);
                bucket.Tokens = Math.Min(perMinute, bucket.Tokens + 1);
            }
        }
    }

    private void Refill(Bucket bucket)
    {
        var now = time.GetTimestamp();
        var minutes = time.GetElapsedTime(bucket.Stamp, now).TotalMinutes;
        bucket.Stamp = now;
        bucket.Tokens = Math.Min(perMinute, bucket.Tokens + (minutes * perMinute));
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;

        public bool Refusing { get; set; }
    }
}
