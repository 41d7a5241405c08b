using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Report;

/// <summary>What a period report is about: a court (null: every court; with <see cref="IncludeSubordinate"/>, the court
/// and every court beneath it, summed as one) and the days from <see cref="From"/> up to <see cref="To"/> (exclusive),
/// in the engine's time zone (China Standard Time).</summary>
public sealed record ReportScope(string? CourtId, DateOnly From, DateOnly To, bool IncludeSubordinate = false)
{
    /// <summary>The circulated report's steps listed one by one (the counts cover them all).</summary>
    public const int MaxCirculatedSteps = 500;

    public static readonly TimeSpan Zone = TimeSpan.FromHours(8);

    /// <summary>The same days a year earlier, for year-on-year growth.</summary>
    public ReportScope YearBefore => this with { From = From.AddYears(-1), To = To.AddYears(-1) };

    public V1.Period Period => new() { From = Time(From), To = Time(To) };

    public string Title => $"{CourtId ?? "全部法院 all courts"}{(CourtId is not null && IncludeSubordinate ? " 及下辖法院 with the courts under it" : string.Empty)} · {From:yyyy-MM-dd} – {To.AddDays(-1):yyyy-MM-dd}";

    public V1.StatsScope StatsScope => new() { CourtId = CourtId ?? string.Empty, IncludeSubordinate = IncludeSubordinate };

    private static Timestamp Time(DateOnly day) => Timestamp.FromDateTimeOffset(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Zone));
}

/// <summary>One line of a breakdown: its key, this period's figures, and the year before's received count.</summary>
public sealed record ReportLine(string Key, V1.StatsRow Now, long ReceivedYearBefore)
{
    public double? Growth => ReceivedYearBefore == 0 ? null : (Now.Received / (double)ReceivedYearBefore) - 1;
}

/// <summary>The figures of a period report, read from the engine's StatsService.</summary>
public sealed record PeriodReport(
    ReportScope Scope,
    V1.StatsRow Total,
    V1.StatsRow TotalYearBefore,
    IReadOnlyList<ReportLine> Kinds,
    IReadOnlyList<ReportLine> Channels,
    IReadOnlyList<ReportLine> Courts,
    IReadOnlyList<ReportLine> ContactSubKinds,
    IReadOnlyList<(string Month, long Received)> Months,
    V1.GetHotTopicsResponse HotTopics,
    long AsOfSequence)
{
    /// <summary>On-the-spot satisfaction per staff member, platform agent and counter/window (the 20 most rated of each).</summary>
    public IReadOnlyList<(V1.RatedSubject Subject, IReadOnlyList<V1.SatisfactionRow> Rows)> Satisfaction { get; init; } = [];

    /// <summary>Online filings still waiting for the filing division's decision, now.</summary>
    public long PendingFilings { get; init; }

    /// <summary>The circulated report (通报) of the period: the counts per court, division and judge, and the first
    /// <see cref="ReportScope.MaxCirculatedSteps"/> steps.</summary>
    public V1.GetCirculatedReportResponse Circulated { get; init; } = new();

    /// <summary>The knowledge base's figures for the period (the 10 most used entries, never-used entries and gaps).</summary>
    public V1.GetKnowledgeFiguresResponse Knowledge { get; init; } = new();

    public double? Growth => TotalYearBefore.Received == 0 ? null : (Total.Received / (double)TotalYearBefore.Received) - 1;

    public static async Task<PeriodReport> ReadAsync(GrpcChannel channel, ReportScope scope, CancellationToken cancellationToken = default)
    {
        var stats = new V1.StatsService.StatsServiceClient(channel);

        async Task<V1.GetStatsResponse> Get(ReportScope s, params V1.StatsGroupBy[] by) =>
            await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = s.StatsScope, Period = s.Period, GroupBy = { by } }, cancellationToken: cancellationToken);

        async Task<List<ReportLine>> Lines(V1.StatsGroupBy by)
        {
            var now = await Get(scope, by);
            var before = (await Get(scope.YearBefore, by)).Rows.ToDictionary(r => r.Key, r => r.Received);
            return [.. now.Rows.Where(r => r.Received > 0).OrderByDescending(r => r.Received).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => new ReportLine(r.Key, r, before.GetValueOrDefault(r.Key)))];
        }

        var total = await Get(scope);
        var totalBefore = await Get(scope.YearBefore);
        var days = await Get(scope, V1.StatsGroupBy.Day);
        var months = days.Rows.GroupBy(r => r.Key[..7]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(r => r.Received))).ToList();
        var topics = await stats.GetHotTopicsAsync(new V1.GetHotTopicsRequest
        {
            CourtId = scope.CourtId ?? string.Empty, IncludeSubordinate = scope.IncludeSubordinate, Period = scope.Period, Limit = 10,
        }, cancellationToken: cancellationToken);
        var satisfaction = new List<(V1.RatedSubject, IReadOnlyList<V1.SatisfactionRow>)>();
        foreach (var subject in new[] { V1.RatedSubject.Staff, V1.RatedSubject.PlatformAgent, V1.RatedSubject.Window })
        {
            var rows = await stats.GetSatisfactionAsync(new V1.GetSatisfactionRequest
            {
                CourtId = scope.CourtId ?? string.Empty, IncludeSubordinate = scope.IncludeSubordinate, Period = scope.Period, Subject = subject, Limit = 20,
            }, cancellationToken: cancellationToken);
            satisfaction.Add((subject, [.. rows.Rows]));
        }

        var knowledge = await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest
        {
            CourtId = scope.CourtId ?? string.Empty, IncludeSubordinate = scope.IncludeSubordinate, Period = scope.Period, Limit = 10,
        }, cancellationToken: cancellationToken);
        var circulated = await CirculatedAsync(stats, scope, cancellationToken);
        var pending = await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest
        {
            CourtId = scope.CourtId ?? string.Empty, IncludeSubordinate = scope.IncludeSubordinate, PageSize = 1,
        }, cancellationToken: cancellationToken);
        return new PeriodReport(
            scope, total.Total, totalBefore.Total,
            await Lines(V1.StatsGroupBy.Kind), await Lines(V1.StatsGroupBy.Channel), await Lines(V1.StatsGroupBy.Court),
            [.. (await Lines(V1.StatsGroupBy.SubKind)).Where(l => l.Key.StartsWith("CONTACT_", StringComparison.Ordinal))],
            months, topics, total.AsOfSequence)
        {
            Satisfaction = satisfaction,
            PendingFilings = pending.Total,
            Knowledge = knowledge,
            Circulated = circulated,
        };
    }

    /// <summary>The circulated report's counts and its first steps; none for a period beyond the call's year.</summary>
    private static async Task<V1.GetCirculatedReportResponse> CirculatedAsync(V1.StatsService.StatsServiceClient stats, ReportScope scope, CancellationToken cancellationToken) =>
        scope.To.DayNumber - scope.From.DayNumber > 366
            ? new V1.GetCirculatedReportResponse()
            : await stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest
            {
                CourtId = scope.CourtId ?? string.Empty, IncludeSubordinate = scope.IncludeSubordinate, Period = scope.Period, PageSize = ReportScope.MaxCirculatedSteps,
            }, cancellationToken: cancellationToken);

    public static string Percent(double? share) => share is { } s ? s.ToString("0.00%", CultureInfo.InvariantCulture) : "–";

    public static string Share(long part, long whole) => Percent(whole == 0 ? null : part / (double)whole);

    public static string SignedPercent(double? growth) => growth is { } g ? (g >= 0 ? "+" : string.Empty) + g.ToString("0.00%", CultureInfo.InvariantCulture) : "–";

    public static string Duration(double seconds) => seconds switch
    {
        <= 0 => "–",
        < 3600 => $"{seconds / 60:0.0} min",
        < 86400 => $"{seconds / 3600:0.0} h",
        _ => $"{seconds / 86400:0.0} d",
    };
}
