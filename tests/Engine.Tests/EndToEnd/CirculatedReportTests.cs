using Engine.Tests.Support;
using Google.Protobuf.Reflection;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// The circulated report (通报) and the figures of a high court with the courts under it, through the gRPC API on a
/// running engine whose contact-judge tickets run their whole ladder in seconds (a drill): tickets of two basic courts
/// under different intermediate courts are supervised and specially supervised, one is replied to late; the report
/// lists them per court, division and judge with the delay, the high court's rolled-up figures are exactly its own plus
/// its subordinates', and a rebuild from the log gives the same.
/// </summary>
public sealed class CirculatedReportTests(ContactJudgeDrill drill) : IClassFixture<ContactJudgeDrill>
{
    private const string High = "sh-high";
    private static readonly string[] Basic = ["sh-pudong", "sh-huangpu"];
    private readonly EngineInstance _engine = drill.Instance;

    private V1.StatsService.StatsServiceClient Stats => new(_engine.Channel);

    private static V1.Period Today => new()
    {
        From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
        To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
    };

    [Fact]
    public async Task Supervised_tickets_are_circulated_per_court_division_and_judge_and_a_high_courts_figures_are_the_sum_of_its_courts()
    {
        using var steps = new V1.EventService.EventServiceClient(_engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { CourtIds = { Basic }, EventTypes = { "deadline.special_supervision" } },
        });
        var tickets = new List<V1.Ticket>();
        foreach (var court in Basic)
        {
            var caseNumber = SharedEngine.NewCaseNumber();
            await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, court, "civil-1", Judge(court)));
            tickets.Add((await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket);
        }

        foreach (var court in new[] { High, "sh-1st-int", "sh-2nd-int", "sh-pudong" })
        {
            await _engine.Intake.SubmitTicketAsync(new V1.SubmitTicketRequest(Requests.ContactJudge(string.Empty))
            {
                Kind = V1.TicketKind.Consultation, SubKind = V1.TicketSubKind.ConsultationProcedure, CourtId = court,
            });
        }

        await EventStreams.ReadEventsAsync(steps, e => tickets.All(t => e.Any(x => x.AggregateId == t.TicketId)));
        var replied = (await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = tickets[0].TicketId, Actor = Judge(Basic[0]), Reply = "迟到的答复" })).Ticket;

        var report = await ReportAsync(High);
        Assert.Equal(High, report.CoveredCourtIds[0]);
        Assert.Contains("sh-railway", report.CoveredCourtIds);
        Assert.Equal(["sh-huangpu", "sh-pudong"], report.Courts.Select(c => c.CourtId));
        var pudong = Assert.Single(report.Courts, c => c.CourtId == "sh-pudong");
        var judge = Assert.Single(Assert.Single(pudong.Divisions, d => d.DivisionId == "civil-1").Judges);
        Assert.Equal((Judge("sh-pudong"), 1L, 1L, 2L, 0L), (judge.JudgeId, judge.Counts.Supervised, judge.Counts.SpeciallySupervised, judge.Counts.Replied, judge.Counts.NotReplied));
        var huangpu = Assert.Single(report.Courts, c => c.CourtId == "sh-huangpu").Counts;
        Assert.Equal((1L, 1L, 0L, 2L), (huangpu.Supervised, huangpu.SpeciallySupervised, huangpu.Replied, huangpu.NotReplied));
        Assert.Equal((2L, 2L, 2L, 2L), (report.Total.Supervised, report.Total.SpeciallySupervised, report.Total.Replied, report.Total.NotReplied));

        // The delay: from the reply deadline to the reply, or to now for the ticket still not replied to.
        var late = (replied.RepliedAt.ToDateTimeOffset() - replied.Clock.ReplyDueAt.ToDateTimeOffset()).TotalSeconds;
        Assert.All(report.Steps.Where(s => s.TicketId == replied.TicketId), s => Assert.InRange(s.DelaySeconds, late - 1, late + 1));
        Assert.All(report.Steps.Where(s => s.TicketId == tickets[1].TicketId), s =>
        {
            Assert.False(s.Replied);
            Assert.True(s.DelaySeconds >= (s.FiredAt.ToDateTimeOffset() - s.DueAt.ToDateTimeOffset()).TotalSeconds - 1, $"delay {s.DelaySeconds}");
        });
        Assert.Equal([V1.DeadlineKind.Supervision, V1.DeadlineKind.SpecialSupervision], report.Steps.Where(s => s.CourtId == "sh-pudong").Select(s => s.Step));

        // One number: the high court with the courts under it is exactly the sum of those courts, and the report's
        // counts are its supervised and specially supervised.
        var rolledUp = (await Stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = High, IncludeSubordinate = true }, Period = Today })).Total;
        var perCourt = await Stats.GetStatsAsync(new V1.GetStatsRequest { Period = Today, GroupBy = { V1.StatsGroupBy.Court } });
        var summed = perCourt.Rows.Where(r => report.CoveredCourtIds.Contains(r.Key)).Select(Counters).Aggregate((a, b) => [.. a.Zip(b, (x, y) => x + y)]);
        Assert.Equal(summed, Counters(rolledUp));
        Assert.Equal(4 + 2, rolledUp.Received);
        Assert.Equal((report.Total.Supervised, report.Total.SpeciallySupervised), (rolledUp.Supervised, rolledUp.SpeciallySupervised));
        var intermediate = (await Stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = "sh-1st-int", IncludeSubordinate = true }, Period = Today })).Total;
        Assert.Equal(1 + 1 + 1, intermediate.Received);
        Assert.Equal(1 + 1, (await ReportAsync("sh-1st-int")).Total.Supervised + (await ReportAsync("sh-2nd-int")).Total.Supervised);

        // Rebuilt from the log: the same figures and the same report (the court tree is kept and counted again).
        await Stats.RebuildStatsAsync(new V1.RebuildStatsRequest());
        var rebuilt = await ReportAsync(High);
        Assert.Equal(report.CoveredCourtIds, rebuilt.CoveredCourtIds);
        Assert.Equal(report.Steps.Select(s => (s.TicketId, s.Step, s.FiredAt, s.DueAt, s.RepliedAt)), rebuilt.Steps.Select(s => (s.TicketId, s.Step, s.FiredAt, s.DueAt, s.RepliedAt)));
        Assert.Equal((report.Total.Supervised, report.Total.Replied), (rebuilt.Total.Supervised, rebuilt.Total.Replied));
        Assert.Equal(Counters(rolledUp), Counters((await Stats.GetStatsAsync(new V1.GetStatsRequest
        {
            Scope = new V1.StatsScope { CourtId = High, IncludeSubordinate = true }, Period = Today,
        })).Total));
    }

    [Fact]
    public async Task A_court_added_under_an_intermediate_court_is_in_the_high_courts_figures_at_once()
    {
        var directory = new V1.DirectoryService.DirectoryServiceClient(_engine.Channel);
        await directory.UpsertCourtAsync(new V1.UpsertCourtRequest
        {
            Court = new V1.Court { CourtId = "sh-test-new", Name = "测试新设法院", Level = V1.CourtLevel.Basic, ParentCourtId = "sh-1st-int" },
        });

        Assert.Contains("sh-test-new", (await ReportAsync(High)).CoveredCourtIds);
        Assert.Contains("sh-test-new", (await ReportAsync("sh-1st-int")).CoveredCourtIds);
        Assert.DoesNotContain("sh-test-new", (await ReportAsync("sh-2nd-int")).CoveredCourtIds);
    }

    [Fact]
    public async Task Bad_report_requests_are_refused_with_the_field_named()
    {
        var now = DateTimeOffset.UtcNow;
        await RpcAssert.InvalidFieldAsync("period", async () => await Stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest { CourtId = High }));
        await RpcAssert.InvalidFieldAsync("period", async () => await Stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest
        {
            Period = new V1.Period
            {
                From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now.AddDays(-400)), To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now),
            },
        }));
        await RpcAssert.InvalidFieldAsync("page_size", async () => await Stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest { Period = Today, PageSize = 1001 }));
        await RpcAssert.InvalidFieldAsync("page_token", async () => await Stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest { Period = Today, PageToken = "not-a-token!" }));
        await RpcAssert.InvalidFieldAsync("court_id", async () => await Stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest { Period = Today, CourtId = new string('x', 65) }));
    }

    private static string Judge(string court) => SampleDirectory.JudgeId(court, "civil-1", 1);

    /// <summary>The int64 fields of a row (the counters), in field order.</summary>
    private static long[] Counters(V1.StatsRow row) =>
        [.. V1.StatsRow.Descriptor.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.Int64).Select(f => (long)f.Accessor.GetValue(row))];

    private async Task<V1.GetCirculatedReportResponse> ReportAsync(string court) =>
        await Stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest { CourtId = court, IncludeSubordinate = true, Period = Today });
}
