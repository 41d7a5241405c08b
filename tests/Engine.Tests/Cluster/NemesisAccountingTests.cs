using Outage = Engine.Tests.Cluster.NemesisTests.Outage;
using OutageKind = Engine.Tests.Cluster.NemesisTests.OutageKind;

namespace Engine.Tests.Cluster;

/// <summary>How the nemesis run counts a step's lateness: time inside a later outage is not held against it.</summary>
public sealed class NemesisAccountingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 5, 4, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void A_step_that_waited_through_no_outage_is_late_by_all_of_its_wait()
    {
        Assert.Equal(TimeSpan.Zero, NemesisTests.TimeInside(At(0), At(20), [new Outage("earlier", At(-30), At(0), OutageKind.SiloLost)]));
    }

    [Fact]
    public void Only_the_part_of_a_later_outage_before_the_step_fired_is_left_out()
    {
        // Owed at the end of a drain (0 s), the silo holding its court killed at 10.9 s and declared dead at 18.7 s,
        // fired at 20.1 s: late by 12.3 s, not 20.1 s (the 600 s run with seed 1132584).
        var outages = new[] { new Outage("drained", At(-56), At(0), OutageKind.Drain), new Outage("killed", At(10.9), At(18.7), OutageKind.SiloLost) };
        Assert.Equal(7.8, NemesisTests.TimeInside(At(0), At(20.1), outages).TotalSeconds, precision: 6);
        Assert.Equal(2.0, NemesisTests.TimeInside(At(0), At(12.9), outages).TotalSeconds, precision: 6);
    }

    [Fact]
    public void Overlapping_outages_are_counted_once()
    {
        var outages = new[] { new Outage("database", At(2), At(8), OutageKind.DatabaseRestart), new Outage("frozen", At(5), At(12), OutageKind.SiloLost), new Outage("killed", At(11), At(14), OutageKind.SiloLost) };
        Assert.Equal(12.0, NemesisTests.TimeInside(At(0), At(30), outages).TotalSeconds, precision: 6);
    }
}
