using System.Collections.Immutable;
using System.Globalization;
using Engine.Api;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using V1 = Engine.V1;
using Engine.Grains.Deadlines;

namespace Engine.Silo.Supervision;

/// <summary>
/// The JSON the supervision page polls: the courts, what is overdue now, the recent deadline steps, the reply and
/// on-time rates, and one ticket's timeline. Every answer comes from the grains the gRPC API uses (statistics,
/// event log, tickets), so the page shows what the API would.
/// </summary>
internal static class SupervisionApi
{
    public const int MaxOverdue = 200;
    public const int MaxSteps = 200;
    public const int MaxDays = 366;
    public const int DefaultDays = 30;

    /// <summary>Most-used entries, never-used entries and gaps the knowledge panel lists.</summary>
    public const int KnowledgeRows = 10;

    /// <summary>How far back in the log the first read of steps looks: bounded, so a long log costs the same.</summary>
    public const int StepWindow = 20_000;

    private static readonly ImmutableArray<string> StepTypes =
        [EventTypes.Step(DeadlineStep.Urging), EventTypes.Step(DeadlineStep.Supervision), EventTypes.Step(DeadlineStep.SpecialSupervision)];

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/courts", CourtsAsync);
        api.MapGet("/overdue", OverdueAsync);
        api.MapGet("/steps", StepsAsync);
        api.MapGet("/stats", StatsAsync);
        api.MapGet("/tickets/{ticketId}", TicketAsync);
        api.MapGet("/notices", Notices);
        api.MapGet("/knowledge", KnowledgeAsync);
        SupervisionFigures.Map(api);
        SupervisionRollup.Map(api);
    }

    /// <summary>The banner: a year without a working calendar, from the day operators are told ahead.</summary>
    private static JsonHttpResult<NoticesView> Notices(Engine.Grains.Calendars.CalendarWatch watch) =>
        Json(new NoticesView(watch.Check().Warning is { } warning ? [$"工作日历缺失 Working calendar missing: {warning}"] : []), SupervisionJson.Default.NoticesView);

    /// <summary>The courts that have figures, with the names of their divisions and people for labels.</summary>
    private static async Task<IResult> CourtsAsync(IClusterClient grains)
    {
        var stats = grains.GetGrain<IStatsGrain>(0);
        var byCourt = await stats.GetStatsAsync(new StatsQuery(null, null, null, null, null, [StatsDimension.Court]));
        var tree = await stats.GetCourtTreeAsync();
        var ids = byCourt.Rows.Select(r => r.Keys[0]).Concat(tree.Parents.Keys).Where(id => id.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        var snapshots = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICourtGrain>(id).GetAsync()));
        var courts = ids.Zip(snapshots, (id, snapshot) => snapshot is null
            ? new CourtView(id, id, [], [], Blank(tree.Parents.GetValueOrDefault(id)))
            : new CourtView(
                id,
                snapshot.Court.ShortName is { Length: > 0 } shortName ? shortName : snapshot.Court.Name,
                [.. snapshot.Divisions.Select(d => new NamedView(d.DivisionId, d.Name))],
                [.. snapshot.Judges.Select(j => new NamedView(j.JudgeId, j.Name))],
                Blank(tree.Parents.GetValueOrDefault(id))));
        return Json(new CourtsView([.. courts]), SupervisionJson.Default.CourtsView);
    }

    private static async Task<IResult> OverdueAsync(IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, string? court)
    {
        if (BadCourt(court) is { } bad)
        {
            return bad;
        }

        var list = await grains.GetGrain<IStatsGrain>(0).ListOverdueAsync(Blank(court), null, null, MaxOverdue);
        var rows = list.Tickets.Select(t => new OverdueRow(
            t.TicketId, t.CourtId, t.DivisionId, t.JudgeId, ProtoNames.Of(t.Kind), ProtoNames.Of(t.SubKind), ProtoNames.Of(t.Channel), t.OverdueSince));
        return Json(new OverdueView(time.GetUtcNow(), list.Total, [.. rows]), SupervisionJson.Default.OverdueView);
    }

    /// <summary>Urging, supervision and special supervision steps: without <paramref name="after"/> the last
    /// <see cref="MaxSteps"/> within the last <see cref="StepWindow"/> events; with it, those logged since (at most
    /// <see cref="MaxSteps"/>; the next poll gets the rest).</summary>
    private static async Task<IResult> StepsAsync(IClusterClient grains, string? court, long? after)
    {
        if (BadCourt(court) is { } bad)
        {
            return bad;
        }

        if (after is < 0)
        {
            return Error("after must be a sequence number (0 or more)");
        }

        var reader = grains.GetGrain<IEventReaderGrain>(0);
        var filter = new EventFilter(StepTypes, Blank(court) is { } c ? [c] : [], []);
        var recent = new Queue<LoggedEvent>();
        var head = await reader.HeadAsync();
        long nextAfter;

        // A browser that remembers a sequence beyond the head saw another log (the data was reset): start again.
        if (after is { } from && from <= head)
        {
            var batch = await reader.ReadAsync(from, filter, MaxSteps);
            foreach (var e in batch.Events)
            {
                recent.Enqueue(e);
            }

            nextAfter = batch.ScannedUpTo;
        }
        else
        {
            nextAfter = Math.Max(0, head - StepWindow);
            EventBatch batch;
            do
            {
                batch = await reader.ReadAsync(nextAfter, filter, MaxSteps);
                foreach (var e in batch.Events)
                {
                    recent.Enqueue(e);
                    if (recent.Count > MaxSteps)
                    {
                        recent.Dequeue();
                    }
                }

                nextAfter = batch.ScannedUpTo;
            }
            while (batch.Events.Length == MaxSteps);
        }

        return Json(new StepsView(nextAfter, [.. recent.Select(Step).OfType<StepRow>()]), SupervisionJson.Default.StepsView);
    }

    private static async Task<IResult> StatsAsync(
        IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<DeadlineOptions> deadlines, string? court, int? days, bool? sub)
    {
        if (BadCourt(court) is { } bad)
        {
            return bad;
        }

        if (days is < 1 or > MaxDays)
        {
            return Error($"days must be between 1 and {MaxDays}");
        }

        var zoneId = deadlines.Value.TimeZone;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var count = days ?? DefaultDays;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var first = today.AddDays(1 - count);
        var start = first.ToDateTime(TimeOnly.MinValue);
        var from = new DateTimeOffset(start, zone.GetUtcOffset(start));

        // With the courts under it, a court's rates are theirs together, per day and per court.
        var scope = Blank(court);
        var subordinate = scope is not null && sub == true;
        var groupBy = scope is null || subordinate ? StatsDimension.Court : StatsDimension.Division;
        var stats = grains.GetGrain<IStatsGrain>(0);
        var answers = await Task.WhenAll(
            stats.GetStatsAsync(new StatsQuery(scope, null, null, from, null, [StatsDimension.Day], subordinate)),
            stats.GetStatsAsync(new StatsQuery(scope, null, null, from, null, [groupBy], subordinate)));
        var (daily, groups) = (answers[0], answers[1]);

        var view = new StatsView(
            Math.Min(daily.AsOfSequence, groups.AsOfSequence),
            scope,
            zoneId,
            [.. Enumerable.Range(0, count).Select(i => first.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))],
            [.. daily.Rows.Select(Rates)],
            groupBy == StatsDimension.Court ? "COURT" : "DIVISION",
            [.. groups.Rows.Select(Rates)]);
        return Json(view, SupervisionJson.Default.StatsView);
    }

    /// <summary>The knowledge base's figures of the chosen court (or all; with <paramref name="sub"/>, with the courts
    /// under it) over the chosen days up to today.</summary>
    private static async Task<IResult> KnowledgeAsync(
        IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<DeadlineOptions> deadlines, string? court, int? days, bool? sub)
    {
        if (ChosenDays(time, deadlines, court, days, out var chosen) is { } bad)
        {
            return bad;
        }

        var scope = Blank(court);
        var subordinate = scope is not null && sub == true;
        var figures = await grains.GetGrain<IStatsGrain>(0).GetKnowledgeFiguresAsync(scope, chosen.From, chosen.Until, KnowledgeRows, subordinate);
        return Json(new KnowledgeView(chosen.Now, scope, subordinate, chosen.Days, figures), SupervisionJson.Default.KnowledgeView);
    }

    /// <summary>The chosen court and days, checked (an error to answer, or null): the days up to today in the engine's
    /// time zone, as instants and as the page shows them.</summary>
    internal static JsonHttpResult<ErrorView>? ChosenDays(TimeProvider time, IOptions<DeadlineOptions> deadlines, string? court, int? days, out ChosenPeriod chosen)
    {
        chosen = default;
        if (BadCourt(court) is { } bad)
        {
            return bad;
        }

        if (days is < 1 or > MaxDays)
        {
            return Error($"days must be between 1 and {MaxDays}");
        }

        var now = time.GetUtcNow();
        var periods = new SupervisionPeriods(TimeZoneInfo.FindSystemTimeZoneById(deadlines.Value.TimeZone), now, days ?? DefaultDays);
        var (from, until) = periods.Instants(SupervisionPeriods.Days);
        var (first, last) = periods.Ranges[SupervisionPeriods.Days];
        chosen = new ChosenPeriod(now, from, until, new PeriodView(SupervisionPeriods.Text(first), SupervisionPeriods.Text(last)));
        return null;
    }

    private static async Task<IResult> TicketAsync(IClusterClient grains, string ticketId)
    {
        if (!TicketIds.LooksValid(ticketId))
        {
            return Error("not a ticket id (T followed by 26 base-32 characters)");
        }

        var ticket = await grains.GetGrain<ITicketGrain>(ticketId).GetAsync();
        return ticket is null
            ? Error($"no ticket {ticketId}", StatusCodes.Status404NotFound)
            : Json(Timeline(ticket), SupervisionJson.Default.TicketView);
    }

    private static TicketView Timeline(TicketRecord t)
    {
        var deadlines = t.Deadlines ?? TicketDeadlines.None;
        var taken = deadlines.Taken.Select(s => new DeadlineView(s.Clock, ProtoNames.Of(s.Step), s.DueAt, s.FiredAt, Recipients(s.Recipients)));
        var pending = deadlines.Clock is { } clock
            ? clock.Pending.Select(p => new DeadlineView(clock.Number, ProtoNames.Of(p.Step), p.DueAt, null, []))
            : [];
        return new TicketView(
            t.TicketId, ProtoNames.Of(t.State), ProtoNames.Of(t.Kind), ProtoNames.Of(t.SubKind), ProtoNames.Of(t.Channel), t.CourtId, t.CaseNumber,
            Assignee(t.Assignee), t.CreatedAt, t.UpdatedAt, t.Content, t.Reply,
            deadlines.Clock is { } c
                ? new ClockView(c.Number, ProtoNames.Of(c.Cause), c.StartedAt, c.ReplyDueAt, c.CountsWorkingTime, c.PausedAt, c.StoppedAt, c.Problem)
                : null,
            [.. taken.Concat(pending).OrderBy(d => d.DueAt).ThenBy(d => d.Clock)],
            [.. deadlines.Extensions.Select(e => new ExtensionView(e.Clock, e.At, e.Actor, e.Approver, e.Reason, e.From, e.To))],
            [.. t.History.Select(h => new HistoryView(
                h.At, h.Actor, h.Action, ProtoNames.Of(h.FromState), ProtoNames.Of(h.ToState), h.Reason, h.Assignee is null ? null : Assignee(h.Assignee)))]);
    }

    private static StepRow? Step(LoggedEvent e)
    {
        if (!Any.Parser.ParseFrom(e.Payload).TryUnpack<V1.DeadlineStepFired>(out var fired))
        {
            return null;
        }

        var step = e.Type == EventTypes.Step(DeadlineStep.Urging) ? DeadlineStep.Urging
            : e.Type == EventTypes.Step(DeadlineStep.Supervision) ? DeadlineStep.Supervision
            : DeadlineStep.SpecialSupervision;
        return new StepRow(
            e.Sequence, e.AggregateId, e.CourtId, ProtoNames.Of(e.Kind), ProtoNames.Of(step), fired.Clock,
            fired.DueAt?.ToDateTimeOffset(), fired.FiredAt?.ToDateTimeOffset(),
            fired.Handler is { } h ? new AssigneeView(ProtoNames.Of(h.Type), h.Id, ProtoMapping.Mapping.NullIfEmpty(h.CourtId)) : null,
            [.. fired.Recipients.Select(r => new RecipientView(ProtoNames.Of(r.Role), r.Id))]);
    }

    private static RateRow Rates(StatsFigures f) => new(
        f.Keys.Length > 0 ? f.Keys[0] : string.Empty,
        f[StatsCounter.Received], f[StatsCounter.Dispatched], f[StatsCounter.DispatchedReplied], f[StatsCounter.Replied], f[StatsCounter.RepliedOnTime],
        f.OverdueNow, f[StatsCounter.Urged], f[StatsCounter.Supervised], f[StatsCounter.SpeciallySupervised],
        f.EffectiveReplyRate,
        f.OnTimeRate);

    private static AssigneeView Assignee(Contracts.Assignee a) => new(ProtoNames.Of(a.Type), a.Id, a.CourtId);

    private static IReadOnlyList<RecipientView> Recipients(ImmutableArray<Recipient> recipients) =>
        [.. recipients.Select(r => new RecipientView(ProtoNames.Of(r.Role), r.Id))];

    internal static string? Blank(string? court) => string.IsNullOrWhiteSpace(court) ? null : court;

    internal static JsonHttpResult<ErrorView>? BadCourt(string? court) =>
        court is { Length: > SubmitValidation.MaxIdLength } ? Error($"court must be a court id of at most {SubmitValidation.MaxIdLength} characters") : null;

    internal static JsonHttpResult<ErrorView> Error(string message, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Json(new ErrorView(message), SupervisionJson.Default.ErrorView, statusCode: status);

    private static JsonHttpResult<T> Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => TypedResults.Json(value, type);
}
