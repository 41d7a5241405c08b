using Engine.Report;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Issue 23, the knowledge base's figures: a few entries, self-service searches that find a good entry and
/// some that do not, a ticket opened after a search all the same, an answer on the spot citing an entry, and every
/// figure of StatsService/GetKnowledgeFigures and of the period report checked exactly. The test owns its engine, so
/// that the figures are its own.</summary>
public sealed class KnowledgeFiguresTests
{
    private const string Pudong = "sh-pudong";

    private static readonly string Entries = """
        { "format": "engine.knowledge/1",
          "entries": [
            { "id": "kb-fee", "question": "网上怎么交诉讼费？", "answer": "登录诉讼服务网，在案件页面缴费。", "kinds": ["CONSULTATION"] },
            { "id": "kb-parking", "question": "浦东法院停车场在哪里？", "answer": "在丁香路一侧的地下车库。", "courtId": "sh-pudong" },
            { "id": "kb-archive", "question": "怎样查阅浦东法院的档案？", "answer": "凭身份证明到档案室预约查阅。", "courtId": "sh-pudong" },
            { "id": "kb-huangpu", "question": "黄浦法院开放时间？", "answer": "工作日九点到五点。", "courtId": "sh-huangpu" } ] }
        """;

    [Fact]
    public async Task Every_figure_of_a_period_is_counted_exactly_and_a_rebuild_keeps_the_citations()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync(ContactJudgeDrill.KnowledgeGoodScore);
        await CountEveryFigureAsync(engine);
    }

    [Fact]
    public async Task The_figures_are_the_same_on_PostgreSQL()
    {
        var connection = PostgresServer.Shared.CreateDatabase();
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync(
            "--storage", "postgres", "--connection", connection, "--cluster-id", "kb-figures-" + Guid.NewGuid().ToString("N")[..8], ContactJudgeDrill.KnowledgeGoodScore);
        await CountEveryFigureAsync(engine);
    }

    private static async Task CountEveryFigureAsync(EngineInstance engine)
    {
        var stats = new V1.StatsService.StatsServiceClient(engine.Channel);
        Assert.Equal(4, (await engine.Knowledge.ImportEntriesAsync(new V1.ImportEntriesRequest { Json = Entries })).Created);

        var fee = await PublicSearchAsync(engine, "网上怎么交诉讼费", V1.Channel.Web);
        var parking = await PublicSearchAsync(engine, "浦东法院停车场在哪里", V1.Channel.Web);
        var coolingOff = await PublicSearchAsync(engine, "离婚冷静期多久", V1.Channel.Web);
        var property = await PublicSearchAsync(engine, "离婚财产怎么分割", V1.Channel.Wechat);
        var suggested = await engine.Knowledge.SuggestAnswersAsync(new V1.SuggestAnswersRequest
        {
            Text = "网上怎么交诉讼费", CourtId = Pudong, Kind = V1.TicketKind.Consultation,
        });

        // The premise: which searches found a good entry (the figures count the best entry's "good"; the engine's good
        // score is set for a base of a few entries).
        Assert.Equal(("kb-fee", true), (fee.Answers[0].EntryId, fee.Answers[0].Good));
        Assert.Equal(("kb-parking", true), (parking.Answers[0].EntryId, parking.Answers[0].Good));
        Assert.Equal(("kb-fee", true), (suggested.Hits[0].Entry.EntryId, suggested.Hits[0].Good));
        Assert.DoesNotContain(coolingOff.Answers, a => a.Good);
        Assert.DoesNotContain(property.Answers, a => a.Good);

        // The person who searched for the car park opens a ticket anyway; another consultation is answered on the spot
        // citing the fee entry.
        await SubmitAsync(engine, "停车场入口找不到，请回电。", parking.SearchId);
        var answered = await SubmitAsync(engine, "诉讼费怎么交？", null);
        await engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest
        {
            TicketId = answered.TicketId, StaffId = "agent-1", Answer = "登录诉讼服务网缴费。", KnowledgeEntryId = "kb-fee", KnowledgeEntryVersion = 1,
        });

        var period = new V1.Period
        {
            From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        };
        var figures = await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { CourtId = Pudong, Period = period });
        AssertFigures(figures);
        var gap = figures.Gaps[0];
        Assert.Equal(("离婚", 2L), (gap.Word, gap.Questions));
        Assert.True(gap.Example is "离婚冷静期多久" or "离婚财产怎么分割", gap.Example);
        Assert.Contains(figures.Gaps, g => g.Word == "财产" && g.Questions == 1);
        Assert.DoesNotContain(figures.Gaps, g => g.Word.Contains("停车", StringComparison.Ordinal) || g.Word.Contains("诉讼费", StringComparison.Ordinal));

        // All courts: the same searches (all were Pudong's); never used also counts the Huangpu court's entry.
        var all = await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { Period = period, Limit = 1 });
        Assert.Equal((5L, 3L), (all.Total.Searches, all.Total.Good));
        Assert.Equal(2, all.NeverUsedCount);
        Assert.Equal(["kb-archive"], all.NeverUsed.Select(e => e.EntryId));
        Assert.Equal(["kb-fee"], all.MostUsed.Select(e => e.EntryId));
        Assert.Single(all.Gaps);

        // Another court saw none of it; a period before the searches has no searches.
        var huangpu = await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { CourtId = "sh-huangpu", Period = period });
        Assert.Equal((0L, 0L, 0L, 1L), (huangpu.Total.Searches, huangpu.Citations, huangpu.Received, huangpu.NeverUsedCount));
        var before = await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest
        {
            CourtId = Pudong,
            Period = new V1.Period { From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-9)), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-5)) },
        });
        Assert.Equal((0L, 0L, 2L), (before.Total.Searches, before.Citations, before.NeverUsedCount));

        // Citations are counted by the statistics projector: a rebuild counts them again, exactly once.
        await stats.RebuildStatsAsync(new V1.RebuildStatsRequest());
        AssertFigures(await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { CourtId = Pudong, Period = period }));

        // The period report carries the same figures.
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(ReportScope.Zone).DateTime);
        var report = await PeriodReport.ReadAsync(engine.Channel, new ReportScope(Pudong, today.AddDays(-1), today.AddDays(2)));
        var markdown = ReportWriters.Markdown(report);
        Assert.Contains("| 即时解答率 on-the-spot rate | 50.00% (1 / 2) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 知识库命中率 knowledge-base hit rate | 60.00% |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 查询后仍提交工单 opened a ticket anyway | 1 (25.00%) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| kb-fee | 网上怎么交诉讼费？ | 2 | 1 | 3 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| kb-archive | 怎样查阅浦东法院的档案？ |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 离婚 | 2 | 离婚", markdown, StringComparison.Ordinal);
        Assert.Contains("知识库缺口", ReportWriters.Html(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_request_names_its_field_and_an_unknown_court_is_not_found()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var stats = new V1.StatsService.StatsServiceClient(engine.Channel);
        var now = DateTimeOffset.UtcNow;
        var period = new V1.Period { From = Timestamp.FromDateTimeOffset(now.AddDays(-1)), To = Timestamp.FromDateTimeOffset(now) };

        await RpcAssert.InvalidFieldAsync("period", async () => await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest()));
        await RpcAssert.InvalidFieldAsync("period.to", async () => await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest
        {
            Period = new V1.Period { From = period.To, To = period.From },
        }));
        await RpcAssert.InvalidFieldAsync("limit", async () => await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { Period = period, Limit = 101 }));
        await RpcAssert.InvalidFieldAsync("court_id", async () => await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { Period = period, CourtId = new string('x', 500) }));
        var unknown = await RpcAssert.StatusAsync(StatusCode.NotFound, async () =>
            await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { Period = period, CourtId = "sh-nowhere" }));
        Assert.Contains("sh-nowhere", unknown.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>Pudong's figures: five searches (four self-service, one suggestion), three good; two consultations
    /// received, one answered on the spot citing kb-fee.</summary>
    private static void AssertFigures(V1.GetKnowledgeFiguresResponse f)
    {
        Assert.Equal((5L, 3L, 0.6), (f.Total.Searches, f.Total.Good, f.Total.HitRate));
        Assert.Equal([("SELF_SERVICE", 4L, 2L), ("SUGGESTION", 1L, 1L)], f.BySource.Select(r => (r.Key, r.Searches, r.Good)));
        Assert.Equal([(Pudong, 5L, 3L)], f.ByCourt.Select(r => (r.Key, r.Searches, r.Good)));
        Assert.Equal([("CONSULTATION", 5L, 3L)], f.ByKind.Select(r => (r.Key, r.Searches, r.Good)));
        Assert.Equal((4L, 1L), (f.SelfService, f.SelfServiceOpenedTicket));
        Assert.Equal((2L, 1L, 0.5, 1L), (f.Received, f.AnsweredOnSpot, f.OnSpotRate, f.Citations));
        Assert.Equal(
            [("kb-fee", "网上怎么交诉讼费？", 2L, 1L, 3L), ("kb-parking", "浦东法院停车场在哪里？", 1L, 0L, 1L)],
            f.MostUsed.Select(e => (e.EntryId, e.Question, e.GoodHits, e.Citations, e.Uses)));
        Assert.Equal(1, f.NeverUsedCount);
        Assert.Equal([("kb-archive", "怎样查阅浦东法院的档案？")], f.NeverUsed.Select(e => (e.EntryId, e.Question)));
        Assert.Equal(2, f.GapQuestions);
    }

    private static async Task<V1.PublicSearchResponse> PublicSearchAsync(EngineInstance engine, string text, V1.Channel channel) =>
        await engine.Knowledge.PublicSearchAsync(new V1.PublicSearchRequest { Text = text, CourtId = Pudong, Channel = channel });

    private static async Task<V1.Ticket> SubmitAsync(EngineInstance engine, string content, string? searchId) =>
        (await engine.Intake.SubmitTicketAsync(new V1.SubmitTicketRequest
        {
            IdempotencyKey = Guid.NewGuid().ToString("N"), Channel = V1.Channel.Web, Kind = V1.TicketKind.Consultation,
            SubKind = V1.TicketSubKind.ConsultationProcedure, CourtId = Pudong, KnowledgeSearchId = searchId ?? string.Empty,
            Caller = new V1.Caller { Name = "测试", Phone = Requests.FakePhone, Role = V1.CallerRole.Public }, Content = content,
        })).Ticket;
}
