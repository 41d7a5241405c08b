namespace Engine.Storage;

/// <summary>
/// The due columns the deadline and timer shards read hold milliseconds rounded up, so that a row is never due before
/// the moment its owner fires at. Rounded down, a shard that looked within the millisecond before a step found the row
/// due and the ticket with nothing due yet, and put the ticket off for a second: about 16 steps of 98,000 in each
/// storm run fired 1.0–1.04 s late so (decision 77). Pulling a row earlier (<c>PullEarlier</c>) keeps rounding down:
/// there early is the promise.
/// </summary>
public static class DueColumns
{
    public static long Milliseconds(DateTimeOffset dueAt)
    {
        var ms = dueAt.ToUnixTimeMilliseconds();
        return DateTimeOffset.FromUnixTimeMilliseconds(ms) < dueAt ? ms + 1 : ms;
    }
}
