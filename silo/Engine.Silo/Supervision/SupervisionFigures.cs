using System.Collections.Immutable;
using Engine.Api;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Grains.Deadlines;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Supervision;

/// <summary>
/// What the page leads with, and the lists behind it: per court (or per division of a court) the tickets overdue
/// now, the urging and supervision steps of today and this week, and the reply and on-time rates of the period, each
/// beside the same figure of the period before; and the lists, filtered, sorted and paged on the server
/// (<see cref="IStatsGrain.ListSupervisionAsync"/>).
/// </summary>
internal static class SupervisionFigures
{
    public const int DefaultLimit = 50;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/figures", FiguresAsync);
        api.MapGet("/lists/overdue", (HttpContext http, IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<DeadlineOptions> deadlines) =>
            ListAsync(SupervisionList.Overdue, http.Request.Query, grains, time, deadlines));
        api.MapGet("/lists/steps", (HttpContext http, IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<DeadlineOptions> deadlines) =>
            ListAsync(SupervisionList.Steps, http.Request.Query, grains, time, deadlines));
    }

    private static async Task<IResult> FiguresAsync(
        IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<DeadlineOptions> deadlines, string? court, int? days)
    {
        if (SupervisionApi.BadCourt(court) is { } bad)
        {
            return bad;
        }

        if (days is < 1 or > SupervisionApi.MaxDays)
        {
            return SupervisionApi.Error($"days must be between 1 and {SupervisionApi.MaxDays}");
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(deadlines.Value.TimeZone);
        var now = time.GetUtcNow();
        var periods = new SupervisionPeriods(zone, now, days ?? SupervisionApi.DefaultDays);
        var scope = SupervisionApi.Blank(court);
        var groupBy = scope is null ? StatsDimension.Court : StatsDimension.Division;
        var stats = grains.GetGrain<IStatsGrain>(0);
        var from = periods.Start(periods.Earliest);
        var answers = await Task.WhenAll(
            stats.GetStatsAsync(new StatsQuery(scope, null, null, from, null, [groupBy, StatsDimension.Day])),
            stats.GetStatsAsync(new StatsQuery(scope, null, null, periods.Start(periods.Ranges[SupervisionPeriods.Today].First), null, [groupBy])));
        var (daily, now_) = (answers[0], answers[1]);

        var groups = new SortedDictionary<string, Figures>(StringComparer.Ordinal);
        var total = new Figures(string.Empty);
        Figures Group(string key) => groups.TryGetValue(key, out var g) ? g : groups[key] = new Figures(key);
        foreach (var row in daily.Rows)
        {
            foreach (var name in SupervisionPeriods.Names.Where(n => periods.Holds(n, row.Keys[1])))
            {
                Group(row.Keys[0]).Add(name, row);
                total.Add(name, row);
            }
        }

        foreach (var row in now_.Rows)
        {
            Group(row.Keys[0]).OverdueNow = row.OverdueNow;
        }

        total.OverdueNow = now_.Total.OverdueNow;
        return TypedResults.Json(
            new FiguresView(
                now, deadlines.Value.TimeZone, scope, groupBy == StatsDimension.Court ? "COURT" : "DIVISION",
                SupervisionPeriods.Names.ToDictionary(n => n, n => new PeriodView(SupervisionPeriods.Text(periods.Ranges[n].First), SupervisionPeriods.Text(periods.Ranges[n].Last))),
                total.View(), [.. groups.Values.Select(g => g.View())]),
            SupervisionJson.Default.FiguresView);
    }

    private static async Task<IResult> ListAsync(
        SupervisionList list, IQueryCollection q, IClusterClient grains, TimeProvider time, IOptions<DeadlineOptions> deadlines)
    {
        string? One(string name) => q[name] is { Count: > 0 } values && !string.IsNullOrWhiteSpace(values[^1]) ? values[^1]!.Trim() : null;
        var court = One("court");
        if (SupervisionApi.BadCourt(court) is { } bad)
        {
            return bad;
        }

        foreach (var name in new[] { "division", "judge" })
        {
            if (One(name) is { Length: > SubmitValidation.MaxIdLength })
            {
                return SupervisionApi.Error($"{name} must be an id of at most {SubmitValidation.MaxIdLength} characters");
            }
        }

        TicketKind? kind = null;
        if (One("kind") is { } kindName)
        {
            kind = ProtoNames.Parse<TicketKind>(kindName, ProtoNames.Of);
            if (kind is null)
            {
                return SupervisionApi.Error($"kind must be a ticket kind such as CONTACT_JUDGE, not {kindName}");
            }
        }

        var limit = DefaultLimit;
        if (One("limit") is { } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > Engine.Grains.Statistics.SupervisionLists.MaxLimit))
        {
            return SupervisionApi.Error($"limit must be between 1 and {Engine.Grains.Statistics.SupervisionLists.MaxLimit}");
        }

        var sort = One("sort") switch
        {
            null or "time" => SupervisionSort.Time,
            "court" => SupervisionSort.Court,
            "judge" => SupervisionSort.Judge,
            _ => (SupervisionSort?)null,
        };
        if (sort is null)
        {
            return SupervisionApi.Error("sort must be time, court or judge");
        }

        var order = One("order");
        if (order is not (null or "asc" or "desc"))
        {
            return SupervisionApi.Error("order must be asc or desc");
        }

        // The default order puts what needs attention first: the longest overdue, the latest step.
        var descending = order is null ? list == SupervisionList.Steps : order == "desc";
        var now = time.GetUtcNow();
        DateTimeOffset? overdueBefore = null;
        if (One("days_overdue") is { } overdueText)
        {
            if (!int.TryParse(overdueText, out var overdueDays) || overdueDays is < 0 or > 3650)
            {
                return SupervisionApi.Error("days_overdue must be a number of days between 0 and 3650");
            }

            overdueBefore = now.AddDays(-overdueDays);
        }

        ImmutableArray<DeadlineStep> steps = [];
        bool? replied = null;
        DateTimeOffset? from = null, to = null;
        if (list == SupervisionList.Steps)
        {
            var names = (One("step") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var parsed = names.Select(n => ProtoNames.Parse<DeadlineStep>(n, ProtoNames.Of)).ToList();
            if (parsed.Any(s => s is null or DeadlineStep.Warning))
            {
                return SupervisionApi.Error("step must be URGING, SUPERVISION or SPECIAL_SUPERVISION (several: comma-separated)");
            }

            steps = [.. parsed.Select(s => s!.Value)];
            replied = One("state") switch
            {
                null => null,
                "REPLIED" => true,
                "NOT_REPLIED" => false,
                _ => (bool?)null,
            };
            if (replied is null && One("state") is not null)
            {
                return SupervisionApi.Error("state must be REPLIED or NOT_REPLIED");
            }

            if (One("period") is { } period)
            {
                if (!SupervisionPeriods.Names.Contains(period))
                {
                    return SupervisionApi.Error($"period must be one of {string.Join(", ", SupervisionPeriods.Names)}");
                }

                var days = SupervisionApi.DefaultDays;
                if (One("days") is { } daysText && (!int.TryParse(daysText, out days) || days is < 1 or > SupervisionApi.MaxDays))
                {
                    return SupervisionApi.Error($"days must be between 1 and {SupervisionApi.MaxDays}");
                }

                (from, to) = new SupervisionPeriods(TimeZoneInfo.FindSystemTimeZoneById(deadlines.Value.TimeZone), now, days).Instants(period);
            }
        }

        var after = One("after");
        var query = new SupervisionQuery(
            list, court is null ? [] : [court], One("division"), One("judge"), kind, overdueBefore, steps, replied, from, to, sort.Value, descending, null, limit);
        if (after is not null)
        {
            if (after.Length > 1000 || !Engine.Grains.Statistics.SupervisionLists.IsToken(after, query))
            {
                return SupervisionApi.Error("after must be the next of a page of this list in this order");
            }

            query = query with { After = after };
        }

        var page = await grains.GetGrain<IStatsGrain>(0).ListSupervisionAsync(query);
        return TypedResults.Json(
            new ListView(now, page.Total, page.Next, [.. page.Rows.Select(r => new ListRow(
                r.TicketId, r.CourtId, r.DivisionId, r.JudgeId, ProtoNames.Of(r.Kind), ProtoNames.Of(r.SubKind),
                r.Channel == Channel.Unspecified ? null : ProtoNames.Of(r.Channel), r.OverdueSince,
                r.Step is { } s ? ProtoNames.Of(s) : null, r.FiredAt, r.RepliedAt,
                r.OverdueSince is { } due && r.Step is not null ? (long)((r.RepliedAt ?? now) - due).TotalSeconds : null))]),
            SupervisionJson.Default.ListView);
    }

    /// <summary>A group's sums per period, and its figures and trends from them.</summary>
    private sealed class Figures(string key)
    {
        private readonly Dictionary<string, long[]> _sums = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _fellOverdue = new(StringComparer.Ordinal);

        public long OverdueNow { get; set; }

        public void Add(string period, StatsFigures row)
        {
            if (!_sums.TryGetValue(period, out var sums))
            {
                _sums[period] = sums = new long[row.Counters.Length];
            }

            for (var i = 0; i < sums.Length; i++)
            {
                sums[i] += row.Counters[i];
            }

            _fellOverdue[period] = _fellOverdue.GetValueOrDefault(period) + row.OverdueNow;
        }

        public FigureRow View() => new(
            key,
            OverdueNow,
            new TrendView(_fellOverdue.GetValueOrDefault(SupervisionPeriods.Today), _fellOverdue.GetValueOrDefault(SupervisionPeriods.Yesterday)),
            Trend(SupervisionPeriods.Today, SupervisionPeriods.Yesterday, StatsCounter.Urged),
            Trend(SupervisionPeriods.Week, SupervisionPeriods.LastWeek, StatsCounter.Urged),
            Trend(SupervisionPeriods.Today, SupervisionPeriods.Yesterday, StatsCounter.Supervised, StatsCounter.SpeciallySupervised),
            Trend(SupervisionPeriods.Week, SupervisionPeriods.LastWeek, StatsCounter.Supervised, StatsCounter.SpeciallySupervised),
            Rate(StatsCounter.DispatchedReplied, StatsCounter.Dispatched),
            Rate(StatsCounter.RepliedOnTime, StatsCounter.Replied));

        private long Sum(string period, StatsCounter[] counters) =>
            _sums.TryGetValue(period, out var sums) ? counters.Sum(c => sums[(int)c]) : 0;

        private TrendView Trend(string period, string before, params StatsCounter[] counters) => new(Sum(period, counters), Sum(before, counters));

        private RateTrendView Rate(StatsCounter part, StatsCounter whole) => new(
            Sum(SupervisionPeriods.Days, [part]), Sum(SupervisionPeriods.Days, [whole]),
            Sum(SupervisionPeriods.PreviousDays, [part]), Sum(SupervisionPeriods.PreviousDays, [whole]));
    }
}
