using System.Text.Json.Serialization;
using Engine.Contracts;
using Engine.Contracts.Grains;

namespace Engine.Silo.Supervision;

// What the supervision page's JSON endpoints answer. Names are snake_case like engine.v1's JSON; enum values are
// engine.v1 names without their prefix (ProtoNames). No caller name or phone: supervisors judge the handling, and
// the page may be open on loopback.

internal sealed record NamedView(string Id, string Name);

/// <summary>A court of the selector: its divisions and people for labels, and the court it is under (null: none).</summary>
internal sealed record CourtView(string Id, string Name, IReadOnlyList<NamedView> Divisions, IReadOnlyList<NamedView> Judges, string? Parent);

internal sealed record CourtsView(IReadOnlyList<CourtView> Courts);

internal sealed record OverdueRow(
    string TicketId, string CourtId, string DivisionId, string JudgeId, string Kind, string SubKind, string Channel, DateTimeOffset OverdueSince);

/// <summary><see cref="Now"/> is the server's clock, so the browser counts "overdue for" without trusting its own.</summary>
internal sealed record OverdueView(DateTimeOffset Now, long Total, IReadOnlyList<OverdueRow> Tickets);

internal sealed record AssigneeView(string Type, string Id, string? CourtId);

internal sealed record RecipientView(string Role, string Id);

internal sealed record StepRow(
    long Sequence, string TicketId, string? CourtId, string Kind, string Step, int Clock,
    DateTimeOffset? DueAt, DateTimeOffset? FiredAt, AssigneeView? Handler, IReadOnlyList<RecipientView> Recipients);

/// <summary><see cref="NextAfter"/>: pass it back as <c>after</c> to get only the steps logged since.</summary>
internal sealed record StepsView(long NextAfter, IReadOnlyList<StepRow> Steps);

/// <summary>A group's figures and its two rates; a rate is null when it has nothing to divide by (no ticket
/// dispatched, none replied), which a chart must not draw as 0 %.</summary>
internal sealed record RateRow(
    string Key, long Received, long Dispatched, long DispatchedReplied, long Replied, long RepliedOnTime, long OverdueNow,
    long Urged, long Supervised, long SpeciallySupervised, double? EffectiveReplyRate, double? OnTimeRate);

/// <summary>Per day of <see cref="Days"/> (yyyy-MM-dd in the engine's time zone, oldest first; days with no figures
/// are absent from <see cref="Daily"/>), and per <see cref="GroupBy"/> (DIVISION in a court, else COURT) over them.</summary>
internal sealed record StatsView(
    long AsOfSequence, string? CourtId, string TimeZone, IReadOnlyList<string> Days, IReadOnlyList<RateRow> Daily, string GroupBy, IReadOnlyList<RateRow> Groups);

internal sealed record ClockView(
    int Number, string Cause, DateTimeOffset StartedAt, DateTimeOffset ReplyDueAt, bool CountsWorkingTime,
    DateTimeOffset? PausedAt, DateTimeOffset? StoppedAt, string? Problem);

/// <summary>A step of a ladder: taken (<see cref="FiredAt"/> set, with its recipients) or pending on the current clock.</summary>
internal sealed record DeadlineView(int Clock, string Step, DateTimeOffset DueAt, DateTimeOffset? FiredAt, IReadOnlyList<RecipientView> Recipients);

internal sealed record ExtensionView(int Clock, DateTimeOffset At, string Actor, string Approver, string Reason, DateTimeOffset From, DateTimeOffset To);

internal sealed record HistoryView(DateTimeOffset At, string Actor, string Action, string FromState, string ToState, string? Reason, AssigneeView? Assignee);

internal sealed record TicketView(
    string TicketId, string State, string Kind, string SubKind, string Channel, string? CourtId, string? CaseNumber,
    AssigneeView Assignee, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Content, string? Reply,
    ClockView? Clock, IReadOnlyList<DeadlineView> Deadlines, IReadOnlyList<ExtensionView> Extensions, IReadOnlyList<HistoryView> History);

/// <summary>A figure now and in the period before it (today and yesterday, this week and the same days of the last).</summary>
internal sealed record TrendView(long Now, long Before);

/// <summary>A rate's parts in the chosen period and the same number of days before; the page divides (no rate
/// without a whole).</summary>
internal sealed record RateTrendView(long Part, long Whole, long PartBefore, long WholeBefore);

/// <summary>One court's or division's lead figures. <see cref="FellOverdue"/>: of the tickets overdue now, those that
/// fell overdue today (and yesterday). Supervised counts supervision and special supervision.</summary>
internal sealed record FigureRow(
    string Key, long OverdueNow, TrendView FellOverdue, TrendView UrgedToday, TrendView UrgedWeek, TrendView SupervisedToday,
    TrendView SupervisedWeek, RateTrendView ReplyRate, RateTrendView OnTimeRate);

internal sealed record PeriodView(string First, string Last);

/// <summary>The lead figures: the total of the scope and a row per <see cref="GroupBy"/> (COURT, or DIVISION in a
/// court), with the days each period covers.</summary>
internal sealed record FiguresView(
    DateTimeOffset Now, string TimeZone, string? CourtId, string GroupBy, IReadOnlyDictionary<string, PeriodView> Periods, FigureRow Total,
    IReadOnlyList<FigureRow> Rows);

/// <summary>A row of a list: an overdue ticket (<see cref="OverdueSince"/>), or a step taken on one (<see cref="Step"/>,
/// <see cref="FiredAt"/>, its reply deadline as <see cref="OverdueSince"/>, and the reply delay in seconds: from the
/// deadline to the reply, or to now while there is none).</summary>
internal sealed record ListRow(
    string TicketId, string CourtId, string DivisionId, string JudgeId, string Kind, string SubKind, string? Channel, DateTimeOffset? OverdueSince,
    string? Step, DateTimeOffset? FiredAt, DateTimeOffset? RepliedAt, long? DelaySeconds);

/// <summary>A page of a list: <see cref="Total"/> rows match; pass <see cref="Next"/> back as <c>after</c> for the next
/// page (null: this is the last).</summary>
internal sealed record ListView(DateTimeOffset Now, long Total, string? Next, IReadOnlyList<ListRow> Rows);

/// <summary>The knowledge base's panel: its figures over the chosen days (<see cref="IStatsGrain.GetKnowledgeFiguresAsync"/>).</summary>
internal sealed record KnowledgeView(DateTimeOffset Now, string? CourtId, bool WithSubordinate, PeriodView Days, KnowledgeFigures Figures);

/// <summary>The chosen days up to today: now, the days as instants (<see cref="Until"/> exclusive) and as text.</summary>
internal readonly record struct ChosenPeriod(DateTimeOffset Now, DateTimeOffset From, DateTimeOffset Until, PeriodView Days);

/// <summary>The circulated report (通报) of the chosen court (with the courts under it when <see cref="WithSubordinate"/>)
/// and days: the counts per judge and its first steps (<see cref="IStatsGrain.GetCirculatedReportAsync"/>).</summary>
internal sealed record CirculatedView(DateTimeOffset Now, string? CourtId, bool WithSubordinate, PeriodView Days, CirculatedReport Report);

/// <summary>On-the-spot satisfaction of the chosen court and days per staff member, platform agent and counter/window,
/// the most rated first (<see cref="IStatsGrain.GetSatisfactionAsync"/>).</summary>
internal sealed record SatisfactionView(
    DateTimeOffset Now, string? CourtId, bool WithSubordinate, PeriodView Days,
    IReadOnlyList<SatisfactionFigures> Staff, IReadOnlyList<SatisfactionFigures> PlatformAgents, IReadOnlyList<SatisfactionFigures> Windows);

internal sealed record ErrorView(string Error);

/// <summary>What the page shows above everything else: things an operator must fix (a missing working calendar).</summary>
internal sealed record NoticesView(IReadOnlyList<string> Notices);

/// <summary>Source-generated serialization. The default encoder writes &lt;, &gt;, &amp; and quotes as \u escapes,
/// so no answer holds markup even when served to something that sniffs it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CourtsView))]
[JsonSerializable(typeof(OverdueView))]
[JsonSerializable(typeof(StepsView))]
[JsonSerializable(typeof(StatsView))]
[JsonSerializable(typeof(TicketView))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(NoticesView))]
[JsonSerializable(typeof(FiguresView))]
[JsonSerializable(typeof(ListView))]
[JsonSerializable(typeof(KnowledgeView))]
[JsonSerializable(typeof(CirculatedView))]
[JsonSerializable(typeof(SatisfactionView))]
internal sealed partial class SupervisionJson : JsonSerializerContext;
