using System.Text.Json.Nodes;
using Engine.Report;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Decision 59 for the figures that were still per court: the filings awaiting a decision, the hot topics and
/// the knowledge base's figures of a high court with the courts under it are exactly its subtree's, through the API,
/// the period report (<c>--with-subordinate</c>) and the supervision page's JSON (<c>sub=true</c>). Basic courts under
/// two intermediate courts (sh-pudong under sh-1st-int, sh-huangpu under sh-2nd-int) each get a filing, a consultation
/// and searches. Each test owns its engine, so that the figures are its own.</summary>
public sealed class CourtRollupFiguresTests
{
    private const string High = "sh-high";
    private const string Intermediate = "sh-1st-int";
    private const string Pudong = "sh-pudong";
    private const string Huangpu = "sh-huangpu";

    private static readonly string Entries = """
        { "format": "engine.knowledge/1",
          "entries": [
            { "id": "kb-parking", "question": "浦东法院停车场在哪里？", "answer": "在丁香路一侧的地下车库。", "courtId": "sh-pudong" },
            { "id": "kb-hours", "question": "黄浦法院开放时间？", "answer": "工作日九点到五点。", "courtId": "sh-huangpu" },
            { "id": "kb-appeal", "question": "上诉案件的材料交到哪里？", "answer": "交到一审法院，由其移送。", "courtId": "sh-1st-int" },
            { "id": "kb-fee", "question": "网上怎么交诉讼费？", "answer": "登录诉讼服务网，在案件页面缴费。" } ] }
        """;

    [Fact]
    public async Task Pending_filings_hot_topics_and_knowledge_figures_of_a_high_court_are_those_of_every_court_under_it()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync(ContactJudgeDrill.KnowledgeGoodScore);
        await RollUpEveryFigureAsync(engine);
    }

    [Fact]
    public async Task The_rolled_up_figures_are_the_same_on_PostgreSQL()
    {
        var connection = PostgresServer.Shared.CreateDatabase();
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync(
            "--storage", "postgres", "--connection", connection, "--cluster-id", "rollup-" + Guid.NewGuid().ToString("N")[..8], ContactJudgeDrill.KnowledgeGoodScore);
        await RollUpEveryFigureAsync(engine);
    }

    [Fact]
    public async Task The_courts_under_a_court_need_the_court_and_the_field_is_named()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var stats = new V1.StatsService.StatsServiceClient(engine.Channel);
        var period = Period();

        await RpcAssert.InvalidFieldAsync("include_subordinate", async () =>
            await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { IncludeSubordinate = true }));
        await RpcAssert.InvalidFieldAsync("include_subordinate", async () =>
            await stats.GetHotTopicsAsync(new V1.GetHotTopicsRequest { IncludeSubordinate = true, Period = period }));
        await RpcAssert.InvalidFieldAsync("include_subordinate", async () =>
            await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { IncludeSubordinate = true, Period = period }));
        await RpcAssert.InvalidFieldAsync("include_subordinate", async () =>
            await stats.GetSatisfactionAsync(new V1.GetSatisfactionRequest { IncludeSubordinate = true, Subject = V1.RatedSubject.Staff }));
        await RpcAssert.InvalidFieldAsync("include_subordinate", async () =>
            await stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest { IncludeSubordinate = true, Period = period }));
        await RpcAssert.InvalidFieldAsync("scope.include_subordinate", async () =>
            await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { IncludeSubordinate = true } }));
        await RpcAssert.InvalidFieldAsync("scope.include_subordinate", async () =>
            await stats.ListOverdueAsync(new V1.ListOverdueRequest { Scope = new V1.StatsScope { IncludeSubordinate = true } }));
    }

    private static async Task RollUpEveryFigureAsync(EngineInstance engine)
    {
        var stats = new V1.StatsService.StatsServiceClient(engine.Channel);
        Assert.Equal(4, (await engine.Knowledge.ImportEntriesAsync(new V1.ImportEntriesRequest { Json = Entries })).Created);

        // The premise: each basic court's own question finds its entry; the third question finds none.
        Assert.True((await SearchAsync(engine, Pudong, "浦东法院停车场在哪里")).Answers[0] is { EntryId: "kb-parking", Good: true });
        Assert.True((await SearchAsync(engine, Huangpu, "黄浦法院开放时间")).Answers[0] is { EntryId: "kb-hours", Good: true });
        Assert.DoesNotContain((await SearchAsync(engine, Huangpu, "离婚冷静期多久")).Answers, a => a.Good);

        var filings = new[] { await SubmitAsync(engine, Pudong, V1.TicketKind.OnlineFiling, "网上立案申请"), await SubmitAsync(engine, Huangpu, V1.TicketKind.OnlineFiling, "网上立案申请") };
        await SubmitAsync(engine, Pudong, V1.TicketKind.Consultation, "强制执行的财产线索怎么提交");
        await SubmitAsync(engine, Huangpu, V1.TicketKind.Consultation, "申请强制执行后多久能执行到位");
        var period = Period();

        // Pending filings: the high court alone has none; with the courts under it, both, the longest waiting first.
        Assert.Equal(0, (await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { CourtId = High })).Total);
        var pending = await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { CourtId = High, IncludeSubordinate = true });
        Assert.Equal(2, pending.Total);
        Assert.Equal(filings.Select(f => f.TicketId), pending.Filings.Select(f => f.TicketId));
        var intermediate = await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { CourtId = Intermediate, IncludeSubordinate = true });
        Assert.Equal((1L, Pudong), (intermediate.Total, Assert.Single(intermediate.Filings).CourtId));

        // The filing outcomes roll up with GetStats' scope: one decided at Pudong is the high court's too.
        await engine.Tickets.RecordFilingDecisionAsync(new V1.RecordFilingDecisionRequest
        {
            TicketId = filings[0].TicketId, Actor = filings[0].Assignee.Id, Outcome = V1.FilingOutcome.Registered, CaseNumber = "(2026)沪0115民初88001号",
        });
        var decided = (await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = High, IncludeSubordinate = true }, Period = period })).Total;
        Assert.Equal((1L, 1L, 1.0), (decided.FilingsDecided, decided.FilingsRegistered, decided.FilingSuccessRate));
        Assert.Equal(1, (await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { CourtId = High, IncludeSubordinate = true })).Total);

        // Hot topics: 强制执行 was asked once at each basic court.
        Assert.Empty((await TopicsAsync(stats, High, false, period)).Terms);
        var topics = await TopicsAsync(stats, High, true, period);
        Assert.Equal(2, topics.Terms.Single(t => t.Term == "强制执行").Count);
        Assert.Equal(2, topics.SubKinds.Single(t => t.Term == "CONSULTATION_EXECUTION").Count);
        Assert.Equal(1, (await TopicsAsync(stats, Intermediate, true, period)).Terms.Single(t => t.Term == "强制执行").Count);

        // The knowledge base's figures: the subtree's searches, per court; never used, the subtree's entries (kb-fee is
        // every court's, so no court's own).
        var own = await KnowledgeAsync(stats, High, false, period);
        Assert.Equal((0L, 0L), (own.Total.Searches, own.NeverUsedCount));
        var knowledge = await KnowledgeAsync(stats, High, true, period);
        Assert.Equal((3L, 2L), (knowledge.Total.Searches, knowledge.Total.Good));
        Assert.Equal([(Huangpu, 2L, 1L), (Pudong, 1L, 1L)], knowledge.ByCourt.Select(r => (r.Key, r.Searches, r.Good)));
        Assert.Equal((4L, 0L, 3L), (knowledge.Received, knowledge.AnsweredOnSpot, knowledge.SelfService));
        Assert.Equal(["kb-appeal"], knowledge.NeverUsed.Select(e => e.EntryId));
        Assert.Equal(["kb-hours", "kb-parking"], knowledge.MostUsed.Select(e => e.EntryId).Order(StringComparer.Ordinal));
        var first = await KnowledgeAsync(stats, Intermediate, true, period);
        Assert.Equal((1L, 1L, 2L), (first.Total.Searches, first.Total.Good, first.Received));
        Assert.Equal(["kb-appeal"], first.NeverUsed.Select(e => e.EntryId));
        var (pudong, huangpu) = (await KnowledgeAsync(stats, Pudong, false, period), await KnowledgeAsync(stats, Huangpu, false, period));
        Assert.Equal(
            (pudong.Total.Searches + huangpu.Total.Searches, pudong.Received + huangpu.Received, pudong.GapQuestions + huangpu.GapQuestions),
            (knowledge.Total.Searches, knowledge.Received, knowledge.GapQuestions));

        // The period report with --with-subordinate reads the same.
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(ReportScope.Zone).DateTime);
        var report = await PeriodReport.ReadAsync(engine.Channel, new ReportScope(High, today.AddDays(-1), today.AddDays(2), IncludeSubordinate: true));
        Assert.Equal(1, report.PendingFilings);
        Assert.Equal(2, report.HotTopics.Terms.Single(t => t.Term == "强制执行").Count);
        Assert.Equal((3L, 2L), (report.Knowledge.Total.Searches, report.Knowledge.Total.Good));
        Assert.Contains("| 待审查网上立案 filings awaiting a decision now | 1 |", ReportWriters.Markdown(report), StringComparison.Ordinal);

        // The supervision page with "含下辖法院" on shows them too.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.DashboardPort}") };
        var page = JsonNode.Parse(await http.GetStringAsync($"/supervision/api/knowledge?court={High}&days=2&sub=true"))!;
        Assert.True(page["with_subordinate"]!.GetValue<bool>());
        Assert.Equal(3, page["figures"]!["all"]!["searches"]!.GetValue<long>());
        var alone = JsonNode.Parse(await http.GetStringAsync($"/supervision/api/knowledge?court={High}&days=2"))!;
        Assert.Equal(0, alone["figures"]!["all"]!["searches"]!.GetValue<long>());
    }

    private static V1.Period Period() => new()
    {
        From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
    };

    private static async Task<V1.GetHotTopicsResponse> TopicsAsync(V1.StatsService.StatsServiceClient stats, string court, bool sub, V1.Period period) =>
        await stats.GetHotTopicsAsync(new V1.GetHotTopicsRequest { CourtId = court, IncludeSubordinate = sub, Period = period });

    private static async Task<V1.GetKnowledgeFiguresResponse> KnowledgeAsync(V1.StatsService.StatsServiceClient stats, string court, bool sub, V1.Period period) =>
        await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { CourtId = court, IncludeSubordinate = sub, Period = period });

    private static async Task<V1.PublicSearchResponse> SearchAsync(EngineInstance engine, string court, string text) =>
        await engine.Knowledge.PublicSearchAsync(new V1.PublicSearchRequest { Text = text, CourtId = court, Channel = V1.Channel.Web });

    private static async Task<V1.Ticket> SubmitAsync(EngineInstance engine, string court, V1.TicketKind kind, string content) =>
        (await engine.Intake.SubmitTicketAsync(new V1.SubmitTicketRequest
        {
            IdempotencyKey = Guid.NewGuid().ToString("N"), Channel = V1.Channel.Web, Kind = kind, CourtId = court, Content = content,
            SubKind = kind == V1.TicketKind.OnlineFiling ? V1.TicketSubKind.FilingApplication : V1.TicketSubKind.ConsultationExecution,
            Caller = new V1.Caller { Name = "测试", Phone = Requests.FakePhone, Role = V1.CallerRole.Party },
        })).Ticket;
}
