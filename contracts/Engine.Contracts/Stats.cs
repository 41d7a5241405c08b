using System.Collections.Immutable;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Contracts;

/// <summary>What statistics can be grouped by (engine.v1 StatsGroupBy).</summary>
[GenerateSerializer]
public enum StatsDimension
{
    Court = 1,
    Division = 2,
    Judge = 3,
    Kind = 4,
    SubKind = 5,
    Channel = 6,
    Day = 7,
}

/// <summary>The counters kept per day and group. The order is the order of the columns in stats_daily.</summary>
[GenerateSerializer]
public enum StatsCounter
{
    Received = 0,
    AnsweredOnSpot = 1,
    Dispatched = 2,
    Replied = 3,
    RepliedOnTime = 4,
    ReplySeconds = 5,
    Urged = 6,
    Supervised = 7,
    SpeciallySupervised = 8,
    Transferred = 9,
    Returned = 10,
    Merged = 11,
    Reopened = 12,
    Callbacks = 13,
    ServiceSatisfied = 14,
    ResultSatisfied = 15,
    DispatchedReplied = 16,

    // Issue 24: replies and answers on the spot by how they reached the caller (ReplyDelivery).
    DeliveredPublicReply = 17,
    DeliveredPhoneCall = 18,
    DeliveredSms = 19,
    DeliveredWeChatMessage = 20,
    DeliveredInPerson = 21,

    // On-the-spot ratings, under the rated ticket's group on the day of the rating.
    Ratings = 22,
    RatedServiceSatisfied = 23,
    RatedResultSatisfied = 24,

    // The filing division's decisions on online filings, on the day of the decision.
    FilingsDecided = 25,
    FilingsRegistered = 26,
    FilingsMaterialRequested = 27,
    FilingsRefused = 28,
}

/// <summary>Which figures: a scope (court, division, judge; null = any), a period from <paramref name="From"/> up to
/// <paramref name="To"/> (null = open) rounded out to whole days in the engine's time zone, grouped by
/// <paramref name="GroupBy"/> in that order. <paramref name="IncludeSubordinate"/>: the court and every court beneath it
/// (<see cref="CourtTree"/>), summed as one.</summary>
[GenerateSerializer, Immutable]
public sealed record StatsQuery(
    string? CourtId,
    string? DivisionId,
    string? JudgeId,
    DateTimeOffset? From,
    DateTimeOffset? To,
    ImmutableArray<StatsDimension> GroupBy,
    bool IncludeSubordinate = false);

/// <summary>One group's figures: its keys (one per dimension asked), the counters (indexed by
/// <see cref="StatsCounter"/>), the tickets overdue now, and the 90th percentile of the time to reply.</summary>
[GenerateSerializer, Immutable]
public sealed record StatsFigures(ImmutableArray<string> Keys, ImmutableArray<long> Counters, long OverdueNow, double P90ReplySeconds)
{
    public long this[StatsCounter counter] => Counters[(int)counter];

    /// <summary>Of the tickets dispatched in the period, the share replied to by now; null when none was dispatched.</summary>
    public double? EffectiveReplyRate => Ratio(this[StatsCounter.DispatchedReplied], this[StatsCounter.Dispatched]);

    /// <summary>Of the replies in the period, the share made before the deadline; null when there was none.</summary>
    public double? OnTimeRate => Ratio(this[StatsCounter.RepliedOnTime], this[StatsCounter.Replied]);

    public double? MeanReplySeconds => Ratio(this[StatsCounter.ReplySeconds], this[StatsCounter.Replied]);

    /// <summary>Of the online filings decided in the period, the share registered; null when none was decided.</summary>
    public double? FilingSuccessRate => Ratio(this[StatsCounter.FilingsRegistered], this[StatsCounter.FilingsDecided]);

    private static double? Ratio(long part, long whole) => whole == 0 ? null : (double)part / whole;
}

[GenerateSerializer, Immutable]
public sealed record StatsAnswer(StatsFigures Total, ImmutableArray<StatsFigures> Rows, long AsOfSequence);

[GenerateSerializer, Immutable]
public sealed record HotTopicCount(string Term, long Count, long PreviousCount);

[GenerateSerializer, Immutable]
public sealed record HotTopics(ImmutableArray<HotTopicCount> SubKinds, ImmutableArray<HotTopicCount> Terms);

[GenerateSerializer, Immutable]
public sealed record OverdueTicket(
    string TicketId,
    string CourtId,
    string DivisionId,
    string JudgeId,
    TicketKind Kind,
    TicketSubKind SubKind,
    Channel Channel,
    DateTimeOffset OverdueSince);

[GenerateSerializer, Immutable]
public sealed record OverdueList(ImmutableArray<OverdueTicket> Tickets, long Total);

/// <summary>The supervision page's lists: tickets overdue now, or the urging and supervision steps taken.</summary>
[GenerateSerializer]
public enum SupervisionList
{
    Overdue = 1,
    Steps = 2,
}

/// <summary>A list's order: by time (overdue since, or the step's time), or by court or judge and then by time.</summary>
[GenerateSerializer]
public enum SupervisionSort
{
    Time = 1,
    Court = 2,
    Judge = 3,
}

/// <summary>One page of a supervision list, filtered on the server. <paramref name="CourtIds"/> empty: every court.
/// <paramref name="OverdueBefore"/>: overdue since at most then (days overdue). <paramref name="Steps"/> empty: every
/// step; <paramref name="Replied"/> null: replied or not; <paramref name="From"/> and <paramref name="To"/>: when the
/// step fired (the steps list). <paramref name="After"/>: the <see cref="SupervisionListPage.Next"/> of the page before.</summary>
[GenerateSerializer, Immutable]
public sealed record SupervisionQuery(
    SupervisionList List,
    ImmutableArray<string> CourtIds,
    string? DivisionId,
    string? JudgeId,
    TicketKind? Kind,
    DateTimeOffset? OverdueBefore,
    ImmutableArray<DeadlineStep> Steps,
    bool? Replied,
    DateTimeOffset? From,
    DateTimeOffset? To,
    SupervisionSort Sort,
    bool Descending,
    string? After,
    int Limit);

/// <summary>A ticket of a list: for the steps list, one step (<paramref name="Step"/>, <paramref name="FiredAt"/>), with
/// its reply deadline then (<paramref name="OverdueSince"/>) and when it was replied to.</summary>
[GenerateSerializer, Immutable]
public sealed record SupervisionRow(
    string TicketId,
    string CourtId,
    string DivisionId,
    string JudgeId,
    TicketKind Kind,
    TicketSubKind SubKind,
    Channel Channel,
    DateTimeOffset? OverdueSince,
    DeadlineStep? Step,
    DateTimeOffset? FiredAt,
    DateTimeOffset? RepliedAt);

/// <summary>A page: <paramref name="Total"/> rows match the filters; <paramref name="Next"/> null on the last page.</summary>
[GenerateSerializer, Immutable]
public sealed record SupervisionListPage(ImmutableArray<SupervisionRow> Rows, long Total, string? Next);

/// <summary>One person's or window's on-the-spot ratings in a court (<see cref="RatedSubject"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record SatisfactionFigures(string CourtId, string SubjectId, long Ratings, long ServiceSatisfied, long ResultSatisfied, long Dissatisfied);

[GenerateSerializer, Immutable]
public sealed record SatisfactionAnswer(ImmutableArray<SatisfactionFigures> Rows, long AsOfSequence);

/// <summary>An online filing waiting for the filing division's decision.</summary>
[GenerateSerializer, Immutable]
public sealed record PendingFiling(string TicketId, string CourtId, Channel Channel, DateTimeOffset ReceivedAt, DateTimeOffset? DecideBy);

[GenerateSerializer, Immutable]
public sealed record PendingFilingList(ImmutableArray<PendingFiling> Filings, long Total);

/// <summary>Searches of one group (a court, a kind or a source): how many, and how many found a good entry.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeHitRate(string Key, long Searches, long Good)
{
    /// <summary>The share of searches whose best entry was good; null when there was no search.</summary>
    public double? Rate => Searches == 0 ? null : (double)Good / Searches;
}

/// <summary>An entry and how often it was used in the period: searches whose good best entry it was, and answers on
/// the spot that cited it. The question is the entry's current one.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeEntryUse(string EntryId, string Question, long GoodHits, long Citations)
{
    public long Uses => GoodHits + Citations;
}

/// <summary>A word of the questions that found no good entry: in how many of them, and one of them as an example.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeGap(string Word, long Questions, string Example);

/// <summary>
/// The knowledge base's figures for a court (null: all) and a period (docs/knowledge.md, "Figures"). Searches are the
/// recorded ones (self-service and suggestions); <see cref="SelfServiceOpenedTicket"/> of the self-service ones were
/// followed by a ticket all the same. <see cref="Received"/> and <see cref="AnsweredOnSpot"/> are the statistics'
/// counters of the same scope and days, for the on-the-spot rate.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeFigures(
    KnowledgeHitRate All,
    ImmutableArray<KnowledgeHitRate> BySource,
    ImmutableArray<KnowledgeHitRate> ByCourt,
    ImmutableArray<KnowledgeHitRate> ByKind,
    long SelfService,
    long SelfServiceOpenedTicket,
    long Received,
    long AnsweredOnSpot,
    long Citations,
    ImmutableArray<KnowledgeEntryUse> MostUsed,
    long NeverUsedCount,
    ImmutableArray<KnowledgeEntryUse> NeverUsed,
    long GapQuestions,
    ImmutableArray<KnowledgeGap> Gaps,
    long AsOfSequence)
{
    /// <summary>Answered on the spot ÷ received; null when nothing was received.</summary>
    public double? OnSpotRate => Received == 0 ? null : (double)AnsweredOnSpot / Received;
}
