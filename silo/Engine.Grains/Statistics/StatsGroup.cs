namespace Engine.Grains.Statistics;

/// <summary>The key of one row of stats_daily: a day (yyyymmdd) and the ticket's group on it. Empty text: no such
/// part.</summary>
internal readonly record struct StatsGroup(int Day, string Court, string Division, string Judge, int Kind, int SubKind, int Channel)
{
    public StatsGroup OnDay(int day) => this with { Day = day };
}

/// <summary>What the projector remembers of one ticket between its events (a row of stats_tickets).</summary>
internal sealed class TicketMemory
{
    /// <summary>The group the ticket is counted in now (its day is the day of the last event seen).</summary>
    public required StatsGroup Group { get; set; }

    /// <summary>Where and when it was first dispatched; null while it never was.</summary>
    public StatsGroup? Dispatch { get; set; }

    public bool Replied { get; set; }

    public long? OverdueSinceMs { get; set; }

    /// <summary>An online filing with no decision yet: since when (its receipt), and its reply deadline then.</summary>
    public long? FilingPendingSinceMs { get; set; }

    public long? FilingDueMs { get; set; }
}
