namespace Engine.Grains;

/// <summary>Log event ids, one range per area, kept in one place.</summary>
internal static class EventIds
{
    // 1000–1099 storage
    public const int StorageBatchFailed = 1000;
    public const int StorageBatchSplit = 1001;
    public const int EventListenerLost = 1002;
    public const int StorageCheckpointFailed = 1003;
    public const int StorageCommitsRecovered = 1004;

    // 1100–1199 tickets and intake
    public const int TicketCreated = 1100;
    public const int DeadlineFired = 1101;
    public const int DeadlineFireFailed = 1102;
    public const int DeadlineShardFailed = 1103;
    public const int DeadlineShardsStarted = 1104;
    public const int DeadlineShardsNotYet = 1105;
    public const int DeadlineReplanned = 1106;
    public const int CalendarSweepFailed = 1107;
    public const int CalendarSwept = 1108;

    // 1500–1599 working calendars
    public const int CalendarSeeded = 1500;
    public const int CalendarSeedIgnored = 1501;
    public const int CalendarsLoaded = 1502;
    public const int CalendarMissing = 1503;
    public const int CalendarRefreshFailed = 1504;
    public const int CalendarPut = 1505;

    // 1300–1399 events
    public const int EventsTrimmed = 1300;
    public const int EventsTrimFailed = 1301;
    public const int OutboxSwept = 1302;
    public const int OutboxSweepFailed = 1303;

    // 1200–1299 directory and cases
    public const int DirectoryImported = 1200;
    public const int LeaveBegan = 1201;
    public const int LeavePollFailed = 1202;
    public const int LookupLocked = 1203;

    // 1400–1499: statistics.
    public const int StatsProjectionFailed = 1400;
    public const int StatsRebuilt = 1401;
    public const int StatsEventsMissing = 1402;
}
