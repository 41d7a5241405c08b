using System.Collections.Immutable;
using System.Globalization;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.ProtoMapping;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>Statistics, hot topics and the overdue list, from the figures the engine keeps in its database (the same
/// whichever front-end or silo answers). Kinds, sub-kinds and channels are named as in the protos, without their
/// prefix (CONTACT_JUDGE, CONTACT_PROGRESS_INQUIRY, WEB).</summary>
[BindServiceMethod(typeof(StrictParsing<V1.StatsService.StatsServiceBase>), nameof(StrictParsing<V1.StatsService.StatsServiceBase>.BindService))]
public sealed class StatsApi(IClusterClient grains) : V1.StatsService.StatsServiceBase
{
    public const int DefaultTopics = 10;
    public const int MaxTopics = 100;
    public const int DefaultOverdue = 100;
    public const int MaxOverdue = 1000;
    public const int MaxPageToken = 1024;

    /// <summary>The longest circulated report: a year (a leap year's 366 days).</summary>
    public static readonly TimeSpan MaxReportPeriod = TimeSpan.FromDays(366);

    /// <summary>Every dimension once.</summary>
    public static readonly int MaxGroupBy = System.Enum.GetValues<V1.StatsGroupBy>().Length - 1;

    public override async Task<V1.GetStatsResponse> GetStats(V1.GetStatsRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        ValidateScope(v, request.Scope);
        var (from, to) = ValidatePeriod(v, "period", request.Period, required: false);
        var groupBy = ImmutableArray.CreateBuilder<StatsDimension>();
        if (request.GroupBy.Count > MaxGroupBy)
        {
            v.Add("group_by", $"at most {MaxGroupBy} dimensions, one of each");
        }

        for (var i = 0; i < request.GroupBy.Count && i < MaxGroupBy; i++)
        {
            var field = $"group_by[{i}]";
            var dimension = request.GroupBy[i];
            v.RequireEnum(field, dimension);
            if (groupBy.Contains((StatsDimension)dimension))
            {
                v.Add(field, $"{dimension} is asked twice");
            }

            groupBy.Add((StatsDimension)dimension);
        }

        v.ThrowIfInvalid();
        var dimensions = groupBy.ToImmutable();
        var scope = request.Scope ?? new V1.StatsScope();
        await RequireCourtAsync(context, scope.CourtId, "scope.court_id");
        var answer = await Stats().GetStatsAsync(new StatsQuery(
            Mapping.NullIfEmpty(scope.CourtId), Mapping.NullIfEmpty(scope.DivisionId), Mapping.NullIfEmpty(scope.JudgeId), from, to, dimensions,
            scope.IncludeSubordinate));
        var response = new V1.GetStatsResponse { Total = Row(answer.Total, []), AsOfSequence = answer.AsOfSequence };
        response.Rows.AddRange(answer.Rows.Select(r => Row(r, dimensions)));
        return response;
    }

    public override async Task<V1.GetHotTopicsResponse> GetHotTopics(V1.GetHotTopicsRequest request, ServerCallContext context)
    {
        var (court, from, to, limit) = await CourtPeriodLimitAsync(context, request.CourtId, request.IncludeSubordinate, request.Period, request.Limit);
        var topics = await Stats().GetHotTopicsAsync(court, from, to, limit, request.IncludeSubordinate);
        var response = new V1.GetHotTopicsResponse();
        response.SubKinds.AddRange(topics.SubKinds.Select(t => Topic(t, Name(StatsDimension.SubKind, t.Term))));
        response.Terms.AddRange(topics.Terms.Select(t => Topic(t, t.Term)));
        return response;
    }

    public override async Task<V1.ListOverdueResponse> ListOverdue(V1.ListOverdueRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        ValidateScope(v, request.Scope);
        CheckLimit(v, "page_size", request.PageSize);

        v.ThrowIfInvalid();
        var scope = request.Scope ?? new V1.StatsScope();
        await RequireCourtAsync(context, scope.CourtId, "scope.court_id");
        var list = await Stats().ListOverdueAsync(
            Mapping.NullIfEmpty(scope.CourtId), Mapping.NullIfEmpty(scope.DivisionId), Mapping.NullIfEmpty(scope.JudgeId),
            request.PageSize == 0 ? DefaultOverdue : request.PageSize, scope.IncludeSubordinate);
        var response = new V1.ListOverdueResponse { Total = list.Total };
        response.Tickets.AddRange(list.Tickets.Select(t => new V1.OverdueTicket
        {
            TicketId = t.TicketId, CourtId = t.CourtId, DivisionId = t.DivisionId, JudgeId = t.JudgeId,
            Kind = (V1.TicketKind)t.Kind, SubKind = (V1.TicketSubKind)t.SubKind, Channel = (V1.Channel)t.Channel,
            OverdueSince = Timestamp.FromDateTimeOffset(t.OverdueSince),
        }));
        return response;
    }

    public override async Task<V1.GetSatisfactionResponse> GetSatisfaction(V1.GetSatisfactionRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.OptionalId("court_id", request.CourtId);
        CheckSubordinate(v, "include_subordinate", request.CourtId, request.IncludeSubordinate);
        var (from, to) = ValidatePeriod(v, "period", request.Period, required: false);
        v.RequireEnum("subject", request.Subject);
        CheckLimit(v, "limit", request.Limit);
        v.ThrowIfInvalid();
        await RequireCourtAsync(context, request.CourtId, "court_id");
        var answer = await Stats().GetSatisfactionAsync(
            Mapping.NullIfEmpty(request.CourtId), from, to, (Domain.RatedSubject)request.Subject, request.Limit == 0 ? DefaultOverdue : request.Limit,
            request.IncludeSubordinate);
        var response = new V1.GetSatisfactionResponse { AsOfSequence = answer.AsOfSequence };
        response.Rows.AddRange(answer.Rows.Select(r => new V1.SatisfactionRow
        {
            CourtId = r.CourtId, SubjectId = r.SubjectId, Ratings = r.Ratings, ServiceSatisfied = r.ServiceSatisfied, ResultSatisfied = r.ResultSatisfied,
            Dissatisfied = r.Dissatisfied,
            ServiceSatisfactionRate = r.Ratings == 0 ? 0 : r.ServiceSatisfied / (double)r.Ratings,
            ResultSatisfactionRate = r.Ratings == 0 ? 0 : r.ResultSatisfied / (double)r.Ratings,
        }));
        return response;
    }

    public override async Task<V1.ListPendingFilingsResponse> ListPendingFilings(V1.ListPendingFilingsRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.OptionalId("court_id", request.CourtId);
        CheckSubordinate(v, "include_subordinate", request.CourtId, request.IncludeSubordinate);
        CheckLimit(v, "page_size", request.PageSize);
        v.ThrowIfInvalid();
        await RequireCourtAsync(context, request.CourtId, "court_id");
        var list = await Stats().ListPendingFilingsAsync(
            Mapping.NullIfEmpty(request.CourtId), request.PageSize == 0 ? DefaultOverdue : request.PageSize, request.IncludeSubordinate);
        var response = new V1.ListPendingFilingsResponse { Total = list.Total };
        response.Filings.AddRange(list.Filings.Select(f => new V1.PendingFiling
        {
            TicketId = f.TicketId, CourtId = f.CourtId, Channel = (V1.Channel)f.Channel, ReceivedAt = Timestamp.FromDateTimeOffset(f.ReceivedAt),
            DecideBy = Mapping.ToTimestamp(f.DecideBy),
        }));
        return response;
    }

    public override async Task<V1.GetKnowledgeFiguresResponse> GetKnowledgeFigures(V1.GetKnowledgeFiguresRequest request, ServerCallContext context)
    {
        var (court, from, to, limit) = await CourtPeriodLimitAsync(context, request.CourtId, request.IncludeSubordinate, request.Period, request.Limit);
        if (court is not null && await grains.GetGrain<ICourtGrain>(court).GetAsync() is null)
        {
            throw Errors.NotFound($"court {court} is not in the directory");
        }

        var f = await Stats().GetKnowledgeFiguresAsync(court, from, to, limit, request.IncludeSubordinate);
        var response = new V1.GetKnowledgeFiguresResponse
        {
            Total = Rate(f.All), SelfService = f.SelfService, SelfServiceOpenedTicket = f.SelfServiceOpenedTicket, Received = f.Received,
            AnsweredOnSpot = f.AnsweredOnSpot, OnSpotRate = f.OnSpotRate ?? 0, Citations = f.Citations, NeverUsedCount = f.NeverUsedCount,
            GapQuestions = f.GapQuestions, AsOfSequence = f.AsOfSequence,
        };
        response.BySource.AddRange(f.BySource.Select(Rate));
        response.ByCourt.AddRange(f.ByCourt.Select(Rate));
        response.ByKind.AddRange(f.ByKind.Select(Rate));
        response.MostUsed.AddRange(f.MostUsed.Select(Use));
        response.NeverUsed.AddRange(f.NeverUsed.Select(Use));
        response.Gaps.AddRange(f.Gaps.Select(g => new V1.KnowledgeGap { Word = g.Word, Questions = g.Questions, Example = g.Example }));
        return response;
    }

    public override async Task<V1.GetCirculatedReportResponse> GetCirculatedReport(V1.GetCirculatedReportRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.OptionalId("court_id", request.CourtId);
        CheckSubordinate(v, "include_subordinate", request.CourtId, request.IncludeSubordinate);
        var (from, to) = ValidatePeriod(v, "period", request.Period, required: true);
        if (from is { } f && to is { } t && t - f > MaxReportPeriod)
        {
            v.Add("period", $"covers at most {MaxReportPeriod.TotalDays:0} days");
        }

        CheckLimit(v, "page_size", request.PageSize);
        if (request.PageToken.Length > MaxPageToken)
        {
            v.Add("page_token", $"is at most {MaxPageToken} characters (pass back next_page_token)");
        }

        v.ThrowIfInvalid();
        await RequireCourtAsync(context, request.CourtId, "court_id");
        var report = await Stats().GetCirculatedReportAsync(
            Mapping.NullIfEmpty(request.CourtId), request.IncludeSubordinate, from!.Value, to!.Value, Mapping.NullIfEmpty(request.PageToken),
            request.PageSize == 0 ? DefaultOverdue : request.PageSize);
        return CirculatedMapping.Response(report);
    }

    public override async Task<V1.RebuildStatsResponse> RebuildStats(V1.RebuildStatsRequest request, ServerCallContext context) =>
        new() { AsOfSequence = await Stats().RebuildAsync() };

    /// <summary>The proto name of a kind, sub-kind or channel key without its prefix; other keys as they are.</summary>
    public static string Name(StatsDimension dimension, string key)
    {
        var type = dimension switch
        {
            StatsDimension.Kind => "TicketKind",
            StatsDimension.SubKind => "TicketSubKind",
            StatsDimension.Channel => "Channel",
            _ => null,
        };
        return type is not null && int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? EnumNames.ShortName(type, number) : key;
    }

    public static V1.StatsRow Row(StatsFigures figures, ImmutableArray<StatsDimension> dimensions)
    {
        var keys = figures.Keys.Select((key, i) => Name(dimensions[i], key)).ToList();
        var row = new V1.StatsRow
        {
            Key = string.Join('|', keys),
            Received = figures[StatsCounter.Received],
            AnsweredOnSpot = figures[StatsCounter.AnsweredOnSpot],
            Dispatched = figures[StatsCounter.Dispatched],
            Replied = figures[StatsCounter.Replied],
            RepliedOnTime = figures[StatsCounter.RepliedOnTime],
            OverdueNow = figures.OverdueNow,
            Urged = figures[StatsCounter.Urged],
            Supervised = figures[StatsCounter.Supervised],
            SpeciallySupervised = figures[StatsCounter.SpeciallySupervised],
            Transferred = figures[StatsCounter.Transferred],
            Returned = figures[StatsCounter.Returned],
            Merged = figures[StatsCounter.Merged],
            Reopened = figures[StatsCounter.Reopened],
            Callbacks = figures[StatsCounter.Callbacks],
            ServiceSatisfied = figures[StatsCounter.ServiceSatisfied],
            ResultSatisfied = figures[StatsCounter.ResultSatisfied],
            MeanReplySeconds = figures.MeanReplySeconds ?? 0,
            P90ReplySeconds = figures.P90ReplySeconds,
            EffectiveReplyRate = figures.EffectiveReplyRate ?? 0,
            OnTimeRate = figures.OnTimeRate ?? 0,
            DispatchedReplied = figures[StatsCounter.DispatchedReplied],
            DeliveredPublicReply = figures[StatsCounter.DeliveredPublicReply],
            DeliveredPhoneCall = figures[StatsCounter.DeliveredPhoneCall],
            DeliveredSms = figures[StatsCounter.DeliveredSms],
            DeliveredWechatMessage = figures[StatsCounter.DeliveredWeChatMessage],
            DeliveredInPerson = figures[StatsCounter.DeliveredInPerson],
            Ratings = figures[StatsCounter.Ratings],
            RatedServiceSatisfied = figures[StatsCounter.RatedServiceSatisfied],
            RatedResultSatisfied = figures[StatsCounter.RatedResultSatisfied],
            FilingsDecided = figures[StatsCounter.FilingsDecided],
            FilingsRegistered = figures[StatsCounter.FilingsRegistered],
            FilingsMaterialRequested = figures[StatsCounter.FilingsMaterialRequested],
            FilingsRefused = figures[StatsCounter.FilingsRefused],
            FilingSuccessRate = figures.FilingSuccessRate ?? 0,
        };
        row.Keys.AddRange(keys);
        return row;
    }

    private static V1.KnowledgeHitRate Rate(KnowledgeHitRate r) => new() { Key = r.Key, Searches = r.Searches, Good = r.Good, HitRate = r.Rate ?? 0 };

    private static V1.KnowledgeEntryUse Use(KnowledgeEntryUse u) =>
        new() { EntryId = u.EntryId, Question = u.Question, GoodHits = u.GoodHits, Citations = u.Citations, Uses = u.Uses };

    private static V1.HotTopic Topic(HotTopicCount topic, string term) => new() { Term = term, Count = topic.Count, PreviousCount = topic.PreviousCount };

    /// <summary>A court (empty: all, else in the caller's scope; with the courts under it only when named), a required period and a limit of 1 to
    /// <see cref="MaxTopics"/> (0: <see cref="DefaultTopics"/>), each refused naming its field.</summary>
    private async Task<(string? Court, DateTimeOffset From, DateTimeOffset To, int Limit)> CourtPeriodLimitAsync(
        ServerCallContext context, string courtId, bool includeSubordinate, V1.Period? period, int limit)
    {
        var v = new RequestValidator();
        v.OptionalId("court_id", courtId);
        CheckSubordinate(v, "include_subordinate", courtId, includeSubordinate);
        var (from, to) = ValidatePeriod(v, "period", period, required: true);
        if (limit is < 0 or > MaxTopics)
        {
            v.Add("limit", $"must be between 1 and {MaxTopics} (0 means {DefaultTopics})");
        }

        v.ThrowIfInvalid();
        await RequireCourtAsync(context, courtId, "court_id");
        return (Mapping.NullIfEmpty(courtId), from!.Value, to!.Value, limit == 0 ? DefaultTopics : limit);
    }

    /// <summary>A list's size: 1 to <see cref="MaxOverdue"/>, 0 for <see cref="DefaultOverdue"/>.</summary>
    private static void CheckLimit(RequestValidator v, string field, int value)
    {
        if (value is < 0 or > MaxOverdue)
        {
            v.Add(field, $"must be between 1 and {MaxOverdue} (0 means {DefaultOverdue})");
        }
    }

    private static void ValidateScope(RequestValidator v, V1.StatsScope? scope)
    {
        v.OptionalId("scope.court_id", scope?.CourtId);
        v.OptionalId("scope.division_id", scope?.DivisionId);
        v.OptionalId("scope.judge_id", scope?.JudgeId);
        CheckSubordinate(v, "scope.include_subordinate", scope?.CourtId, scope?.IncludeSubordinate == true);
    }

    /// <summary>The courts under a court need the court: with every court the figures hold them all already, and a
    /// caller who asked for a rolled-up figure without naming the court most likely forgot it.</summary>
    private static void CheckSubordinate(RequestValidator v, string field, string? courtId, bool includeSubordinate)
    {
        if (includeSubordinate && string.IsNullOrEmpty(courtId))
        {
            v.Add(field, "needs a court_id (without one every court is counted already)");
        }
    }

    private static (DateTimeOffset? From, DateTimeOffset? To) ValidatePeriod(RequestValidator v, string field, V1.Period? period, bool required)
    {
        if (period is null || (period.From is null && period.To is null))
        {
            if (required)
            {
                v.Add(field, "is required: from and to");
            }

            return (null, null);
        }

        DateTimeOffset? Time(string name, Timestamp? t)
        {
            if (t is null && !required)
            {
                return null;
            }

            if (!RequestValidator.IsReasonable(t))
            {
                v.Add($"{field}.{name}", required ? "is required, a time between 2000 and 2100" : "must be a time between 2000 and 2100");
                return null;
            }

            return t!.ToDateTimeOffset();
        }

        var (from, to) = (Time("from", period.From), Time("to", period.To));
        if (from is { } f && to is { } t && t <= f)
        {
            v.Add($"{field}.to", "must be after from");
        }

        return (from, to);
    }

    /// <summary>A key limited to courts reads the figures of those courts and of every court beneath them in the
    /// directory (a high court's key reads its intermediate and basic courts; decision 59); the tree is the one the
    /// figures are counted with, so a court moved under another is reachable from its new parent at once.</summary>
    private async Task RequireCourtAsync(ServerCallContext context, string? courtId, string field)
    {
        var scope = Security.Principal.Of(context).Scope;
        if (!string.IsNullOrEmpty(courtId) && Security.Scopes.Limited(scope) && !scope.ReachesCourt(courtId))
        {
            var tree = await Stats().GetCourtTreeAsync();
            if (scope.CourtIds.Any(ancestor => tree.IsWithin(courtId, ancestor)))
            {
                return;
            }
        }

        Security.Scopes.RequireCourt(context, courtId, field);
    }

    private IStatsGrain Stats() => grains.GetGrain<IStatsGrain>(0);
}
