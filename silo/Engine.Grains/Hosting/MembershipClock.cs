namespace Engine.Grains.Hosting;

/// <summary>
/// The clock of Orleans' cluster membership, silo health monitor and watchdog (the keyed TimeProvider
/// "Orleans.Membership"): the runtime's clock, with its timestamps counted from its first use instead of from the
/// machine's boot. Orleans' <c>Watchdog.Start</c> starts its platform thread before it sets the component thread's
/// timestamp, and that thread's first check (it runs at once) reads the unset timestamp, 0. On the system clock 0 is
/// the machine's boot, so every start warned "Participant check thread has not completed for" the machine's uptime,
/// "potentially indicating … deadlock", and recorded a component stall against the silo's health for the next
/// minute. Counted from here, 0 is the moment membership started, and the check finds no stall.
/// </summary>
/// <remarks>Only where timestamps start moves: their frequency, the time of day and the timers are the runtime's.
/// Every Orleans component that reads this clock takes its timestamps from it alone (they are never compared with
/// another clock's), and every timestamp it hands out is at least 1, so none reads as "unset".</remarks>
internal sealed class MembershipClock(TimeProvider runtime) : TimeProvider
{
    /// <summary>The key Orleans resolves the clock of membership with (Orleans.Runtime.TimeProviderNames.Membership).</summary>
    public const string Key = "Orleans.Membership";

    private long _origin;

    public override long GetTimestamp()
    {
        var now = runtime.GetTimestamp();
        var origin = Volatile.Read(ref _origin);
        if (origin == 0)
        {
            var first = now - 1;
            origin = Interlocked.CompareExchange(ref _origin, first, 0) is var seen && seen != 0 ? seen : first;
        }

        return now - origin;
    }

    public override long TimestampFrequency => runtime.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => runtime.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => runtime.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        runtime.CreateTimer(callback, state, dueTime, period);
}
