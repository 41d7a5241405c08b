namespace Engine.Contracts.Grains;

/// <summary>Counts open clocks again after a calendar arrived or changed (one grain, kept active by every silo).</summary>
public interface ICalendarSweepGrain : IGrainWithIntegerKey
{
    /// <summary>Starts its timer if it is not running; cheap to call often.</summary>
    Task EnsureRunningAsync();

    /// <summary>Looks for changes now instead of at the next tick; answers how many clocks it counted again.</summary>
    Task<int> SweepAsync();
}
