namespace Engine.Contracts;

/// <summary>
/// The id of every log message the engine writes (<c>[LoggerMessage(EventId = …)]</c>), for the silo, the storage,
/// the gRPC edge and the front-end alike: one range per area, all in this file. Operators filter and alert on these
/// numbers and the docs name them ("event 1004"): a number, once given, never changes nor is reused.
/// </summary>
public static class LogEventIds
{
    // 1000–1099 storage
    public const int StorageBatchFailed = 1000;
    public const int StorageBatchSplit = 1001;
    public const int EventListenerLost = 1002;
    public const int StorageCheckpointFailed = 1003;
    public const int StorageCommitsRecovered = 1004;

    // 1100–1199 tickets, intake and deadlines
    public const int TicketCreated = 1100;
    public const int DeadlineFired = 1101;
    public const int DeadlineFireFailed = 1102;
    public const int DeadlineShardFailed = 1103;
    public const int DeadlineShardsStarted = 1104;
    public const int DeadlineShardsNotYet = 1105;
    public const int DeadlineReplanned = 1106;
    public const int CalendarSweepFailed = 1107;
    public const int CalendarSwept = 1108;
    public const int DeadlineSiloLost = 1109;
    public const int CalendarTimersWoken = 1110;

    // 1200–1299 directory and cases
    public const int DirectoryImported = 1200;
    public const int LeaveBegan = 1201;
    public const int LeavePollFailed = 1202;
    public const int LookupLocked = 1203;
    public const int LookupCodeLocked = 1204;
    public const int TimerFireFailed = 1205;
    public const int TimerShardFailed = 1206;
    public const int MorningListPublished = 1207;
    public const int LeaveEnded = 1208;

    // 1300–1399 events
    public const int EventsTrimmed = 1300;
    public const int EventsTrimFailed = 1301;
    public const int OutboxSwept = 1302;
    public const int OutboxSweepFailed = 1303;

    // 1400–1499 statistics
    public const int StatsProjectionFailed = 1400;
    public const int StatsRebuilt = 1401;
    public const int StatsEventsMissing = 1402;

    // 1500–1599 working calendars
    public const int CalendarSeeded = 1500;
    public const int CalendarSeedIgnored = 1501;
    public const int CalendarsLoaded = 1502;
    public const int CalendarMissing = 1503;
    public const int CalendarRefreshFailed = 1504;
    public const int CalendarPut = 1505;

    // 1600–1699 the knowledge base
    public const int KnowledgeLoaded = 1600;
    public const int KnowledgeRefreshFailed = 1601;
    public const int KnowledgeChanged = 1602;
    public const int KnowledgeImported = 1603;

    // 2000–2099 the gRPC edge
    public const int CallFailed = 2000;
    public const int CallRefused = 2001;

    // 2100–2199 the supervision page (HTTP/1.1 endpoint)
    public const int SupervisionServingOpen = 2100;
    public const int SupervisionServingGuarded = 2101;
    public const int SupervisionCredentialsRefused = 2102;

    // 2200–2299 security: keys, the audit log, authentication
    public const int KeysLoaded = 2200;
    public const int KeyRefused = 2201;
    public const int KeysRefreshFailed = 2202;
    public const int AuditOutcomeNotRecorded = 2203;
    public const int RunningOpen = 2210;
    public const int FirstAdminKeyCreated = 2220;
    public const int KeyStreamEnded = 2230;
    public const int LookupFailuresSpent = 2231;
}
