using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Issue 24, the ticket side: replies that say how they reached the caller, ratings on the spot, the filing
/// division's decisions, and what statistics make of them. Each test owns its engine, so that its figures are its own.</summary>
public sealed class CloseTheLoopTests
{
    private const string Court = "sh-pudong";

    [Fact]
    public async Task A_reply_records_its_delivery_the_event_carries_what_a_sender_needs_and_statistics_split_replies_by_delivery()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var stats = new V1.StatsService.StatsServiceClient(engine.Channel);
        var cases = new[] { SharedEngine.NewCaseNumber("沪0115"), SharedEngine.NewCaseNumber("沪0115") };
        foreach (var caseNumber in cases)
        {
            await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        }

        var byPhone = (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(cases[0]))).Ticket;
        var inPerson = (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(cases[1]))).Ticket;
        var calledAt = DateTimeOffset.UtcNow.AddMinutes(-30);
        using var events = new V1.EventService.EventServiceClient(engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { EventTypes = { "ticket.replied" }, CourtIds = { Court } },
        });

        var first = (await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = byPhone.TicketId, Actor = byPhone.Assignee.Id, Reply = "已排期" })).Ticket;
        var second = (await engine.Tickets.ReplyAsync(new V1.ReplyRequest
        {
            TicketId = inPerson.TicketId, Actor = inPerson.Assignee.Id, Reply = "已当面告知", Delivery = V1.ReplyDelivery.InPerson,
            DeliveredAt = Timestamp.FromDateTimeOffset(calledAt),
        })).Ticket;

        Assert.Equal(V1.ReplyDelivery.PhoneCall, first.ReplyDelivery);
        Assert.Equal((V1.ReplyDelivery.InPerson, calledAt.ToUnixTimeMilliseconds()), (second.ReplyDelivery, second.DeliveredAt.ToDateTimeOffset().ToUnixTimeMilliseconds()));
        var replied = await EventStreams.ReadEventsAsync(events, e => e.Count >= 2);
        var payload = replied.Select(e => e.Payload.Unpack<V1.TicketReplied>()).Single(p => p.Header.TicketId == second.TicketId);
        Assert.Equal((V1.ReplyDelivery.InPerson, "已当面告知", Requests.FakePhone, V1.Channel.Hotline), (payload.Delivery, payload.Reply, payload.Caller.Phone, payload.Header.Channel));
        var total = (await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = Court } })).Total;
        Assert.Equal((1L, 1L, 0L, 2L), (total.DeliveredPhoneCall, total.DeliveredInPerson, total.DeliveredPublicReply, total.Replied));
        await RpcAssert.InvalidFieldAsync("delivered_at", async () => await engine.Tickets.ReplyAsync(new V1.ReplyRequest
        {
            TicketId = byPhone.TicketId, Actor = byPhone.Assignee.Id, Reply = "x", DeliveredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
        }));
    }

    [Fact]
    public async Task Ratings_count_per_agent_and_window_once_per_rater_and_a_dissatisfied_one_reopens_the_ticket()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var stats = new V1.StatsService.StatsServiceClient(engine.Channel);
        var answered = await AnsweredOnSpotAsync(engine, "agent-07");
        var other = await AnsweredOnSpotAsync(engine, "agent-07");

        var rated = (await engine.Tickets.RateAsync(Rating(answered, "evaluator-3", V1.Satisfaction.Satisfied))).Ticket;
        var retried = (await engine.Tickets.RateAsync(Rating(answered, "evaluator-3", V1.Satisfaction.Satisfied))).Ticket;
        var twice = await RpcAssert.StatusAsync(StatusCode.AlreadyExists, async () =>
            await engine.Tickets.RateAsync(Rating(answered, "evaluator-3", V1.Satisfaction.BasicallySatisfied)));
        var dissatisfied = (await engine.Tickets.RateAsync(Rating(other, "evaluator-3", V1.Satisfaction.Dissatisfied))).Ticket;

        var rating = Assert.Single(rated.Ratings);
        Assert.Equal(("agent-07", V1.RatedSubject.PlatformAgent, "window-3"), (rating.StaffId, rating.StaffSubject, rating.WindowId));
        Assert.Equal(rated.Version, retried.Version);
        Assert.Contains("evaluator-3", twice.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((V1.TicketState.Reopened, 1), (dissatisfied.State, dissatisfied.ReopenCount));
        var agents = (await stats.GetSatisfactionAsync(new V1.GetSatisfactionRequest { CourtId = Court, Subject = V1.RatedSubject.PlatformAgent })).Rows;
        var agent = Assert.Single(agents);
        Assert.Equal(("agent-07", 2L, 1L, 1L, 0.5), (agent.SubjectId, agent.Ratings, agent.ResultSatisfied, agent.Dissatisfied, agent.ResultSatisfactionRate));
        var window = Assert.Single((await stats.GetSatisfactionAsync(new V1.GetSatisfactionRequest { Subject = V1.RatedSubject.Window })).Rows);
        Assert.Equal(("window-3", 2L), (window.SubjectId, window.Ratings));
        var total = (await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = Court } })).Total;
        Assert.Equal((2L, 1L, 2L), (total.Ratings, total.RatedResultSatisfied, total.DeliveredPublicReply));
        await RpcAssert.InvalidFieldAsync("subject", async () => await stats.GetSatisfactionAsync(new V1.GetSatisfactionRequest()));
    }

    [Fact]
    public async Task The_filing_division_s_decisions_leave_the_pending_list_and_give_the_success_rate_per_court_and_channel()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var stats = new V1.StatsService.StatsServiceClient(engine.Channel);
        var registered = await FilingAsync(engine, V1.Channel.Web);
        var refused = await FilingAsync(engine, V1.Channel.Web);
        var waiting = await FilingAsync(engine, V1.Channel.Wechat);
        var pending = await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { CourtId = Court });
        Assert.Equal([registered.TicketId, refused.TicketId, waiting.TicketId], pending.Filings.Select(f => f.TicketId).Order(StringComparer.Ordinal));
        Assert.All(pending.Filings, f => Assert.NotNull(f.DecideBy));

        var decided = (await engine.Tickets.RecordFilingDecisionAsync(new V1.RecordFilingDecisionRequest
        {
            TicketId = registered.TicketId, Actor = registered.Assignee.Id, Outcome = V1.FilingOutcome.Registered, CaseNumber = "(2025)沪0115民初88001号",
        })).Ticket;
        await engine.Tickets.RecordFilingDecisionAsync(new V1.RecordFilingDecisionRequest
        {
            TicketId = refused.TicketId, Actor = refused.Assignee.Id, Outcome = V1.FilingOutcome.Refused, Reason = "不属于本院管辖",
        });

        Assert.Equal((V1.TicketState.Replied, V1.FilingOutcome.Registered, true), (decided.State, decided.FilingDecision.Outcome, decided.FilingDecision.OnTime));
        var left = await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { CourtId = Court });
        Assert.Equal((1L, waiting.TicketId), (left.Total, Assert.Single(left.Filings).TicketId));
        var byChannel = await stats.GetStatsAsync(new V1.GetStatsRequest
        {
            Scope = new V1.StatsScope { CourtId = Court }, GroupBy = { V1.StatsGroupBy.Court, V1.StatsGroupBy.Channel },
        });
        var web = byChannel.Rows.Single(r => r.Key == $"{Court}|WEB");
        Assert.Equal((2L, 1L, 1L, 0.5), (web.FilingsDecided, web.FilingsRegistered, web.FilingsRefused, web.FilingSuccessRate));
        await RpcAssert.InvalidFieldAsync("reason", async () => await engine.Tickets.RecordFilingDecisionAsync(new V1.RecordFilingDecisionRequest
        {
            TicketId = waiting.TicketId, Actor = waiting.Assignee.Id, Outcome = V1.FilingOutcome.Refused,
        }));
        await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () => await engine.Tickets.RecordFilingDecisionAsync(new V1.RecordFilingDecisionRequest
        {
            TicketId = refused.TicketId, Actor = refused.Assignee.Id, Outcome = V1.FilingOutcome.Registered,
        }));
    }

    private static V1.RateRequest Rating(V1.Ticket ticket, string rater, V1.Satisfaction result) => new()
    {
        TicketId = ticket.TicketId, Actor = "hall-adapter", Source = V1.RatingSource.HallEvaluator, Rater = rater,
        ServiceSatisfaction = V1.Satisfaction.Satisfied, ResultSatisfaction = result, WindowId = "window-3",
    };

    private static async Task<V1.Ticket> AnsweredOnSpotAsync(EngineInstance engine, string agent)
    {
        var ticket = (await engine.Intake.SubmitTicketAsync(new V1.SubmitTicketRequest
        {
            IdempotencyKey = Guid.NewGuid().ToString("N"), Channel = V1.Channel.Web, Kind = V1.TicketKind.Consultation,
            SubKind = V1.TicketSubKind.ConsultationExecution, CourtId = Court,
            Caller = new V1.Caller { Name = "测试", Phone = Requests.FakePhone, Role = V1.CallerRole.Public }, Content = "如何申请执行？",
        })).Ticket;
        return (await engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = ticket.TicketId, StaffId = agent, Answer = "可在线申请强制执行。" })).Ticket;
    }

    private static async Task<V1.Ticket> FilingAsync(EngineInstance engine, V1.Channel channel) =>
        (await engine.Intake.SubmitTicketAsync(new V1.SubmitTicketRequest
        {
            IdempotencyKey = Guid.NewGuid().ToString("N"), Channel = channel, Kind = V1.TicketKind.OnlineFiling,
            SubKind = V1.TicketSubKind.FilingApplication, CourtId = Court,
            Caller = new V1.Caller { Name = "测试", Phone = Requests.FakePhone, Role = V1.CallerRole.Party }, Content = "网上立案申请",
        })).Ticket;
}
