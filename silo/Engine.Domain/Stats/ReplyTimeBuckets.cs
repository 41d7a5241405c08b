namespace Engine.Domain.Stats;

/// <summary>
/// Times to reply kept as a histogram with buckets 2 % wide (each bucket's upper bound is 1.02 times the previous
/// one), so that the 90th percentile of any scope and period can be added up from the daily rows without keeping
/// every reply. A percentile read from it is the upper bound of its bucket: never below the true value and at most
/// 2 % above it.
/// </summary>
public static class ReplyTimeBuckets
{
    private const double Growth = 1.02;
    private static readonly double LogGrowth = Math.Log(Growth);

    /// <summary>Bucket 0 holds replies within a second; bucket b holds (1.02^(b-1), 1.02^b] seconds.</summary>
    public static int Of(double seconds) => seconds <= 1 ? 0 : (int)Math.Ceiling(Math.Log(seconds) / LogGrowth - 1e-9);

    public static double UpperBound(int bucket) => bucket <= 0 ? 1 : Math.Pow(Growth, bucket);

    /// <summary>The <paramref name="quantile"/> (0..1) of a histogram given as (bucket, count) pairs in any order;
    /// 0 when it is empty.</summary>
    public static double Quantile(IEnumerable<(int Bucket, long Count)> histogram, double quantile)
    {
        var buckets = histogram.Where(b => b.Count > 0).OrderBy(b => b.Bucket).ToList();
        var total = buckets.Sum(b => b.Count);
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        foreach (var (bucket, count) in buckets)
        {
            seen += count;
            if (seen >= rank)
            {
                return UpperBound(bucket);
            }
        }

        return UpperBound(buckets[^1].Bucket);
    }
}
