using System.Globalization;
using static Engine.Report.PeriodReport;

namespace Engine.Report;

/// <summary>A table of the report, with the bars to chart from it (label, value) when it has a chart.</summary>
public sealed record ReportTable(string Title, string[] Headers, IReadOnlyList<string[]> Rows, IReadOnlyList<(string Label, double Value)>? Bars = null, bool Line = false);

/// <summary>The report as sections of tables, written the same way to Markdown and to HTML.</summary>
public static class ReportDocument
{
    public static IReadOnlyList<ReportTable> Tables(PeriodReport report)
    {
        var t = report.Total;
        var total = t.Received;
        string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        return
        [
            new("总体情况 Overview", ["指标 figure", "本期 this period", "上年同期 year before", "同比 growth"],
            [
                ["受理 received", N(t.Received), N(report.TotalYearBefore.Received), SignedPercent(report.Growth)],
                ["即时解答 answered on the spot", $"{N(t.AnsweredOnSpot)} ({Share(t.AnsweredOnSpot, total)})", N(report.TotalYearBefore.AnsweredOnSpot), "–"],
                ["转办 dispatched", N(t.Dispatched), N(report.TotalYearBefore.Dispatched), "–"],
                ["有效回复率 effective reply rate", Share(t.DispatchedReplied, t.Dispatched), Share(report.TotalYearBefore.DispatchedReplied, report.TotalYearBefore.Dispatched), "–"],
                ["按时回复率 on-time rate", Share(t.RepliedOnTime, t.Replied), Share(report.TotalYearBefore.RepliedOnTime, report.TotalYearBefore.Replied), "–"],
                ["平均回复用时 mean time to reply", Duration(t.MeanReplySeconds), Duration(report.TotalYearBefore.MeanReplySeconds), "–"],
                ["90% 回复用时 p90 time to reply", Duration(t.P90ReplySeconds), Duration(report.TotalYearBefore.P90ReplySeconds), "–"],
                ["催办 urged", N(t.Urged), N(report.TotalYearBefore.Urged), "–"],
                ["督办 supervised", N(t.Supervised), N(report.TotalYearBefore.Supervised), "–"],
                ["专项督办 specially supervised", N(t.SpeciallySupervised), N(report.TotalYearBefore.SpeciallySupervised), "–"],
                ["当前超期 overdue now", N(t.OverdueNow), "–", "–"],
                ["回访 callbacks", N(t.Callbacks), N(report.TotalYearBefore.Callbacks), "–"],
                ["服务满意率 satisfied with the service", Share(t.ServiceSatisfied, t.Callbacks), Share(report.TotalYearBefore.ServiceSatisfied, report.TotalYearBefore.Callbacks), "–"],
                ["结果满意率 satisfied with the result", Share(t.ResultSatisfied, t.Callbacks), Share(report.TotalYearBefore.ResultSatisfied, report.TotalYearBefore.Callbacks), "–"],
                ["当场评价 ratings on the spot", N(t.Ratings), N(report.TotalYearBefore.Ratings), "–"],
                ["评价结果满意率 rated satisfied with the result", Share(t.RatedResultSatisfied, t.Ratings), Share(report.TotalYearBefore.RatedResultSatisfied, report.TotalYearBefore.Ratings), "–"],
                ["网上立案审查 online filings decided", N(t.FilingsDecided), N(report.TotalYearBefore.FilingsDecided), "–"],
                ["立案成功率 filing success rate", Share(t.FilingsRegistered, t.FilingsDecided), Share(report.TotalYearBefore.FilingsRegistered, report.TotalYearBefore.FilingsDecided), "–"],
                ["待审查网上立案 filings awaiting a decision now", N(report.PendingFilings), "–", "–"],
            ]),
            new("答复方式 How replies reached callers", ["方式 delivery", "本期 this period"],
            [
                ["公开答复 public reply", N(t.DeliveredPublicReply)],
                ["电话 phone call", N(t.DeliveredPhoneCall)],
                ["短信 SMS", N(t.DeliveredSms)],
                ["微信 WeChat message", N(t.DeliveredWechatMessage)],
                ["当面 in person", N(t.DeliveredInPerson)],
            ]),
            .. report.Satisfaction.Select(s => Satisfaction(s.Subject, s.Rows)),
            Breakdown("按服务类型 By service type", report.Kinds, total),
            Breakdown("按渠道 By channel", report.Channels, total),
            Breakdown("按法院 By court", report.Courts, total, rates: true),
            Breakdown("联系法官 Contact the judge, by sub-kind", report.ContactSubKinds, report.ContactSubKinds.Sum(l => l.Now.Received)),
            new("按月受理 Received per month", ["月份 month", "受理 received"], [.. report.Months.Select(m => new[] { m.Month, N(m.Received) })],
                [.. report.Months.Select(m => (m.Month, (double)m.Received))], Line: true),
            Topics("热点事项 Hot sub-kinds", report.HotTopics.SubKinds),
            Topics("热点词 Hot terms in callers' words", report.HotTopics.Terms),
            .. Knowledge(report.Knowledge),
            .. Circulated(report.Circulated),
        ];
    }

    /// <summary>The circulated report (通报): the supervised and specially supervised tickets per court, division and
    /// judge with the reply delay (each court and division with its subtotal), then the tickets themselves.</summary>
    private static ReportTable[] Circulated(Engine.V1.GetCirculatedReportResponse c)
    {
        string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        string[] Counts(string court, string division, string judge, Engine.V1.CirculatedCounts k) =>
            [court, division, judge, N(k.Supervised), N(k.SpeciallySupervised), N(k.Replied), N(k.NotReplied), Duration(k.MeanDelaySeconds), Duration(k.MaxDelaySeconds)];
        var groups = new List<string[]>();
        foreach (var court in c.Courts)
        {
            groups.Add(Counts(court.CourtId, "（合计 all）", string.Empty, court.Counts));
            foreach (var division in court.Divisions)
            {
                groups.Add(Counts(string.Empty, Blank(division.DivisionId), "（合计 all）", division.Counts));
                groups.AddRange(division.Judges.Select(j => Counts(string.Empty, string.Empty, Blank(j.JudgeId), j.Counts)));
            }
        }

        if (c.Total is { } total)
        {
            groups.Add(Counts("合计 total", string.Empty, string.Empty, total));
        }

        var listed = c.Steps.Count < (c.Total?.Supervised ?? 0) + (c.Total?.SpeciallySupervised ?? 0) ? $" (the first {c.Steps.Count:N0})" : string.Empty;
        return
        [
            new("通报：督办与专项督办 Circulated report: supervised tickets per court, division and judge",
                ["法院 court", "庭室 division", "法官 judge", "督办 supervised", "专项督办 specially supervised", "已答复 replied", "未答复 not replied", "平均延迟 mean delay", "最长延迟 longest delay"],
                groups),
            new($"通报清单 Circulated tickets{listed}",
                ["工单 ticket", "法院 court", "庭室 division", "法官 judge", "督办 step", "时间 when", "答复期限 reply deadline", "答复 replied", "延迟 delay"],
                [.. c.Steps.Select(s => new[]
                {
                    s.TicketId, s.CourtId, Blank(s.DivisionId), Blank(s.JudgeId),
                    s.Step == Engine.V1.DeadlineKind.SpecialSupervision ? "专项督办 special" : "督办 supervision", Time(s.FiredAt), Time(s.DueAt),
                    s.Replied ? Time(s.RepliedAt) : "未答复 not yet", Duration(s.DelaySeconds),
                })]),
        ];
    }

    private static string Blank(string id) => id.Length == 0 ? "–" : id;

    private static string Time(Google.Protobuf.WellKnownTypes.Timestamp? at) =>
        at is null ? "–" : at.ToDateTimeOffset().ToOffset(ReportScope.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The knowledge base's section: its figures, hit rates per court and kind, the most used and never used
    /// entries, and the gaps (words of the questions that found no good entry).</summary>
    private static ReportTable[] Knowledge(Engine.V1.GetKnowledgeFiguresResponse k)
    {
        string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        ReportTable Rates(string title, IEnumerable<Engine.V1.KnowledgeHitRate> rates) =>
            new(title, ["", "检索 searches", "命中 good", "命中率 hit rate"],
                [.. rates.Select(r => new[] { r.Key.Length == 0 ? "–" : r.Key, N(r.Searches), N(r.Good), Share(r.Good, r.Searches) })],
                [.. rates.Select(r => (r.Key.Length == 0 ? "–" : r.Key, r.HitRate))]);
        ReportTable Entries(string title, IEnumerable<Engine.V1.KnowledgeEntryUse> entries, bool uses) =>
            new(title, uses ? ["条目 entry", "问题 question", "命中 good hits", "引用 citations", "合计 uses"] : ["条目 entry", "问题 question"],
                [.. entries.Select(e => uses ? new[] { e.EntryId, e.Question, N(e.GoodHits), N(e.Citations), N(e.Uses) } : [e.EntryId, e.Question])]);
        return
        [
            new("知识库 Knowledge base", ["指标 figure", "本期 this period"],
            [
                ["即时解答率 on-the-spot rate", $"{Share(k.AnsweredOnSpot, k.Received)} ({N(k.AnsweredOnSpot)} / {N(k.Received)})"],
                ["知识库检索 searches recorded", N(k.Total.Searches)],
                ["知识库命中率 knowledge-base hit rate", Share(k.Total.Good, k.Total.Searches)],
                ["自助查询 self-service consultations", N(k.SelfService)],
                ["查询后仍提交工单 opened a ticket anyway", $"{N(k.SelfServiceOpenedTicket)} ({Share(k.SelfServiceOpenedTicket, k.SelfService)})"],
                ["引用知识作答 answers on the spot citing an entry", N(k.Citations)],
                ["从未使用的条目 entries never used", N(k.NeverUsedCount)],
                ["未找到好答案的问题 questions without a good entry", N(k.GapQuestions)],
            ]),
            Rates("知识库命中率（按法院） Knowledge-base hit rate by court", k.ByCourt),
            Rates("知识库命中率（按类型） Knowledge-base hit rate by kind", k.ByKind),
            Entries("最常用条目 Most-used entries", k.MostUsed, uses: true),
            Entries($"从未使用的条目 Entries never used ({N(k.NeverUsedCount)})", k.NeverUsed, uses: false),
            new("知识库缺口 Questions without a good entry, as hot topics", ["词 word", "问题 questions", "例 example"],
                [.. k.Gaps.Select(g => new[] { g.Word, N(g.Questions), g.Example })]),
        ];
    }

    private static ReportTable Breakdown(string title, IReadOnlyList<ReportLine> lines, long total, bool rates = false)
    {
        string[] headers = rates
            ? ["", "受理 received", "占比 share", "同比 growth", "有效回复率 reply rate", "按时回复率 on time"]
            : ["", "受理 received", "占比 share", "同比 growth"];
        var rows = lines.Select(l =>
        {
            string[] row = [l.Key, l.Now.Received.ToString("N0", CultureInfo.InvariantCulture), Share(l.Now.Received, total), SignedPercent(l.Growth)];
            return rates ? [.. row, Share(l.Now.DispatchedReplied, l.Now.Dispatched), Share(l.Now.RepliedOnTime, l.Now.Replied)] : row;
        }).ToList();
        return new(title, headers, rows, [.. lines.Select(l => (l.Key, total == 0 ? 0 : l.Now.Received / (double)total))]);
    }

    private static ReportTable Satisfaction(Engine.V1.RatedSubject subject, IReadOnlyList<Engine.V1.SatisfactionRow> rows) =>
        new(subject switch
            {
                Engine.V1.RatedSubject.Staff => "工作人员满意度 Satisfaction per staff member",
                Engine.V1.RatedSubject.PlatformAgent => "平台坐席满意度 Satisfaction per platform agent",
                _ => "窗口满意度 Satisfaction per counter/window",
            },
            ["", "法院 court", "评价 ratings", "服务满意率 service", "结果满意率 result", "不满意 dissatisfied"],
            [.. rows.Select(r => new[]
            {
                r.SubjectId, r.CourtId, r.Ratings.ToString("N0", CultureInfo.InvariantCulture), Share(r.ServiceSatisfied, r.Ratings),
                Share(r.ResultSatisfied, r.Ratings), r.Dissatisfied.ToString("N0", CultureInfo.InvariantCulture),
            })]);

    private static ReportTable Topics(string title, IEnumerable<Engine.V1.HotTopic> topics) =>
        new(title, ["", "本期 this period", "上期 previous period", "变化 change"],
            [.. topics.Select(t => new[]
            {
                t.Term, t.Count.ToString(CultureInfo.InvariantCulture), t.PreviousCount.ToString(CultureInfo.InvariantCulture),
                SignedPercent(t.PreviousCount == 0 ? null : (t.Count / (double)t.PreviousCount) - 1),
            })]);
}
