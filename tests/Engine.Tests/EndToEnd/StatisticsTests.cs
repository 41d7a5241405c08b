using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Statistics through the gRPC API on a running engine: one court's life (replies on time and late, a ticket urged,
/// supervised and specially supervised, a transfer, a return, a duplicate, an answer on the spot, a callback, a
/// reopen) counted exactly, under the group each event happened in; rebuilt from the log to the same figures.
/// Contact-judge tickets are due in seconds (a drill); online matters keep their working-day deadlines.
/// </summary>
public sealed class StatisticsTests(ContactJudgeDrill drill) : IClassFixture<ContactJudgeDrill>
{
    private const string Court = "sh-pudong";
    private readonly EngineInstance _engine = drill.Instance;

    private static string Judge(int n) => SampleDirectory.JudgeId(Court, "civil-1", n);

    private V1.StatsService.StatsServiceClient Stats => new(_engine.Channel);

    [Fact]
    public async Task A_courts_day_is_counted_under_the_group_each_event_happened_in_and_rebuilt_to_the_same_figures()
    {
        using var steps = Subscribe("deadline.special_supervision");
        var replied = await SubmitAsync(V1.TicketKind.OnlineMatter, Judge(1));
        var duplicate = (await _engine.Intake.SubmitTicketAsync(Request(V1.TicketKind.OnlineMatter, replied.CaseNumber))).Ticket;
        var late = await SubmitAsync(V1.TicketKind.ContactJudge, Judge(1));
        var transferred = await SubmitAsync(V1.TicketKind.OnlineMatter, Judge(1));
        var returned = await SubmitAsync(V1.TicketKind.OnlineMatter, Judge(1));
        var consultation = (await _engine.Intake.SubmitTicketAsync(new V1.SubmitTicketRequest(Request(V1.TicketKind.Consultation, null)) { CourtId = Court })).Ticket;
        Assert.Equal(V1.TicketState.Merged, duplicate.State);

        await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = replied.TicketId, Actor = Judge(1), Reply = "已答复" });
        await _engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = replied.TicketId, Actor = "staff-01" });
        var callback = Assert.Single((await _engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { CaseNumber = replied.CaseNumber, Kind = V1.TicketKind.Callback })).Tickets);
        await _engine.Tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
        {
            TicketId = callback.TicketId, Actor = "staff-09", ServiceSatisfaction = V1.Satisfaction.Satisfied, ResultSatisfaction = V1.Satisfaction.BasicallySatisfied,
        });
        await _engine.Tickets.ReopenAsync(new V1.ReopenRequest { TicketId = replied.TicketId, Actor = "staff-01", Reason = "当事人要求补充答复" });
        await _engine.Tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = transferred.TicketId, Actor = Judge(1), Reason = "改由同庭法官办理",
            To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge(2), CourtId = Court },
        });
        await _engine.Tickets.ReturnToPlatformAsync(new V1.ReturnToPlatformRequest { TicketId = returned.TicketId, Actor = Judge(1), Reason = "非本人案件" });
        await _engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = consultation.TicketId, StaffId = "staff-07", Answer = "可在线申请。" });

        // The contact-judge ticket runs its whole ladder before anyone replies: overdue now, urged and supervised.
        await EventStreams.ReadEventsAsync(steps, e => e.Any(x => x.AggregateId == late.TicketId));
        var overdue = await Stats.ListOverdueAsync(new V1.ListOverdueRequest { Scope = new V1.StatsScope { CourtId = Court } });
        Assert.Equal(1, overdue.Total);
        Assert.Equal(late.TicketId, Assert.Single(overdue.Tickets).TicketId);
        Assert.InRange((overdue.Tickets[0].OverdueSince.ToDateTimeOffset() - late.Clock.ReplyDueAt.ToDateTimeOffset()).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.Equal(Judge(1), overdue.Tickets[0].JudgeId);
        Assert.Equal("civil-1", overdue.Tickets[0].DivisionId);
        var before = await CourtStatsAsync();
        Assert.Equal(1, before.Total.OverdueNow);

        var lateReply = (await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = late.TicketId, Actor = Judge(1), Reply = "迟到的答复" })).Ticket;
        var total = (await CourtStatsAsync()).Total;

        Assert.Equal(6, total.Received);
        Assert.Equal(4, total.Dispatched);
        Assert.Equal(1, total.AnsweredOnSpot);
        Assert.Equal(2, total.Replied);
        Assert.Equal(1, total.RepliedOnTime);
        Assert.Equal(0, total.OverdueNow);
        Assert.Equal((1, 1, 1), (total.Urged, total.Supervised, total.SpeciallySupervised));
        Assert.Equal((1, 1, 1, 1), (total.Transferred, total.Returned, total.Merged, total.Reopened));
        Assert.Equal((1, 1, 1), (total.Callbacks, total.ServiceSatisfied, total.ResultSatisfied));
        Assert.Equal(0.5, total.EffectiveReplyRate);
        Assert.Equal(0.5, total.OnTimeRate);
        var lateSeconds = (lateReply.RepliedAt.ToDateTimeOffset() - lateReply.CreatedAt.ToDateTimeOffset()).TotalSeconds;
        Assert.InRange(total.P90ReplySeconds, lateSeconds * 0.98, (lateSeconds * 1.02) + 1);
        Assert.True(total.MeanReplySeconds > 0 && total.MeanReplySeconds <= lateSeconds + 1, $"mean {total.MeanReplySeconds}");

        // Per judge: the transfer and the return count where the ticket was; the callback under the ticket called back.
        var byJudge = await CourtStatsAsync(V1.StatsGroupBy.Judge);
        var first = Assert.Single(byJudge.Rows, r => r.Key == Judge(1));
        Assert.Equal((1, 1, 1, 1), (first.Transferred, first.Returned, first.Callbacks, first.Urged));
        Assert.DoesNotContain(byJudge.Rows, r => r.Key == Judge(2));
        Assert.Equal(1, Assert.Single(byJudge.Rows, r => r.Key.Length == 0).AnsweredOnSpot);

        var byKindAndDay = await CourtStatsAsync(V1.StatsGroupBy.Kind, V1.StatsGroupBy.Day);
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var contact = Assert.Single(byKindAndDay.Rows, r => r.Keys[0] == "CONTACT_JUDGE");
        Assert.Equal(["CONTACT_JUDGE", today], contact.Keys);
        Assert.Equal($"CONTACT_JUDGE|{today}", contact.Key);
        Assert.Equal(4, Assert.Single(byKindAndDay.Rows, r => r.Keys[0] == "ONLINE_MATTER").Received);

        var rebuilt = await Stats.RebuildStatsAsync(new V1.RebuildStatsRequest());
        Assert.True(rebuilt.AsOfSequence >= byKindAndDay.AsOfSequence);
        Assert.Equal(byJudge.Rows, (await CourtStatsAsync(V1.StatsGroupBy.Judge)).Rows);
        Assert.Equal(byKindAndDay.Rows, (await CourtStatsAsync(V1.StatsGroupBy.Kind, V1.StatsGroupBy.Day)).Rows);
    }

    [Fact]
    public async Task Hot_topics_name_the_most_frequent_sub_kinds_and_terms_with_the_previous_period()
    {
        const string court = "sh-high";
        foreach (var content in new[] { "申请强制执行后多久能执行到位", "强制执行的财产线索怎么提交", "执行款什么时候发放", "开庭时间能否延期" })
        {
            var request = new V1.SubmitTicketRequest(Request(V1.TicketKind.Consultation, null)) { CourtId = court, Content = content, SubKind = V1.TicketSubKind.ConsultationExecution };
            await _engine.Intake.SubmitTicketAsync(request);
        }

        await _engine.Intake.SubmitTicketAsync(new V1.SubmitTicketRequest(Request(V1.TicketKind.Consultation, null)) { CourtId = court, SubKind = V1.TicketSubKind.ConsultationProcedure });
        var now = DateTimeOffset.UtcNow;

        var topics = await Stats.GetHotTopicsAsync(new V1.GetHotTopicsRequest
        {
            CourtId = court, Limit = 3,
            Period = new V1.Period { From = Timestamp(now.AddDays(-1)), To = Timestamp(now.AddDays(1)) },
        });

        Assert.Equal(("CONSULTATION_EXECUTION", 4L, 0L), (topics.SubKinds[0].Term, topics.SubKinds[0].Count, topics.SubKinds[0].PreviousCount));
        Assert.Equal(("CONSULTATION_PROCEDURE", 1L), (topics.SubKinds[1].Term, topics.SubKinds[1].Count));
        // Terms are words (decision 53): 强制执行 counts as itself, not as 强制, 制执 and 执行; ties in count go by term.
        Assert.Equal([("强制执行", 2L), ("到位", 1L), ("发放", 1L)], topics.Terms.Select(t => (t.Term, t.Count)));
        Assert.DoesNotContain(topics.Terms, t => t.Term is "制执" or "什么" or "能否" or "申请");
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_the_field_named()
    {
        var now = DateTimeOffset.UtcNow;
        await RpcAssert.InvalidFieldAsync("group_by[1]", async () => await Stats.GetStatsAsync(new V1.GetStatsRequest { GroupBy = { V1.StatsGroupBy.Court, V1.StatsGroupBy.Court } }));
        await RpcAssert.InvalidFieldAsync("group_by[0]", async () => await Stats.GetStatsAsync(new V1.GetStatsRequest { GroupBy = { (V1.StatsGroupBy)99 } }));
        await RpcAssert.InvalidFieldAsync("period.to", async () => await Stats.GetStatsAsync(new V1.GetStatsRequest
        {
            Period = new V1.Period { From = Timestamp(now), To = Timestamp(now.AddDays(-1)) },
        }));
        await RpcAssert.InvalidFieldAsync("scope.court_id", async () => await Stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = new string('x', 65) } }));
        await RpcAssert.InvalidFieldAsync("period", async () => await Stats.GetHotTopicsAsync(new V1.GetHotTopicsRequest { CourtId = Court }));
        await RpcAssert.InvalidFieldAsync("limit", async () => await Stats.GetHotTopicsAsync(new V1.GetHotTopicsRequest
        {
            Limit = 101, Period = new V1.Period { From = Timestamp(now.AddDays(-1)), To = Timestamp(now) },
        }));
        await RpcAssert.InvalidFieldAsync("page_size", async () => await Stats.ListOverdueAsync(new V1.ListOverdueRequest { PageSize = -1 }));
    }

    private AsyncServerStreamingCall<V1.SubscribeResponse> Subscribe(string eventType) =>
        new V1.EventService.EventServiceClient(_engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { CourtIds = { Court }, EventTypes = { eventType } },
        });

    private static Google.Protobuf.WellKnownTypes.Timestamp Timestamp(DateTimeOffset at) => Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at);

    private async Task<V1.GetStatsResponse> CourtStatsAsync(params V1.StatsGroupBy[] groupBy) =>
        await Stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = Court }, GroupBy = { groupBy } });

    private static V1.SubmitTicketRequest Request(V1.TicketKind kind, string? caseNumber) => new(Requests.ContactJudge(caseNumber ?? string.Empty))
    {
        Kind = kind,
        SubKind = kind switch
        {
            V1.TicketKind.OnlineMatter => V1.TicketSubKind.MatterMaterialSubmission,
            V1.TicketKind.Consultation => V1.TicketSubKind.ConsultationProcedure,
            _ => V1.TicketSubKind.ContactProgressInquiry,
        },
    };

    private async Task<V1.Ticket> SubmitAsync(V1.TicketKind kind, string judge)
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", judge));
        var ticket = (await _engine.Intake.SubmitTicketAsync(Request(kind, caseNumber))).Ticket;
        Assert.Equal(judge, ticket.Assignee.Id);
        return ticket;
    }
}
