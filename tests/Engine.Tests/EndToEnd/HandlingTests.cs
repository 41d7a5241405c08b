using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Receive → route → handle, command by command, through the gRPC API on the real storage.</summary>
public sealed class HandlingTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    private const string Court = "sh-pudong";
    private readonly EngineInstance _engine = shared.Instance;

    private static string Judge(int n) => SampleDirectory.JudgeId(Court, "civil-1", n);

    [Fact]
    public async Task A_consultation_answered_on_the_spot_closes_with_the_answer_and_the_staff_recorded()
    {
        var ticket = await SubmitAsync(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationExecution);

        var answered = (await _engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = ticket.TicketId, StaffId = "staff-07", Answer = "可在线申请强制执行。" })).Ticket;

        Assert.Equal(V1.TicketState.Closed, answered.State);
        Assert.Equal(V1.TicketMode.AnsweredOnSpot, answered.Mode);
        Assert.Equal("可在线申请强制执行。", answered.Reply);
        Assert.Equal("staff-07", answered.RepliedBy);
        Assert.Equal(["received", "queued", "answered-on-spot", "closed"], answered.History.Select(h => h.Action));
        await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () =>
            await _engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = ticket.TicketId, StaffId = "staff-07", Answer = "again" }));
    }

    [Fact]
    public async Task Staff_dispatch_a_consultation_to_the_case_division_or_to_whom_they_name()
    {
        var caseNumber = await CaseAsync(Judge(1));
        var byRules = await SubmitAsync(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, caseNumber);
        var named = await SubmitAsync(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure);

        var routed = (await _engine.Tickets.DispatchAsync(new V1.DispatchRequest { TicketId = byRules.TicketId, StaffId = "staff-01" })).Ticket;
        var chosen = (await _engine.Tickets.DispatchAsync(new V1.DispatchRequest
        {
            TicketId = named.TicketId,
            StaffId = "staff-01",
            Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge(2) },
            Reason = "熟悉该类问题",
        })).Ticket;

        Assert.Equal(V1.TicketState.Dispatched, routed.State);
        Assert.StartsWith(Court + "/civil-1/", routed.Assignee.Id, StringComparison.Ordinal);
        Assert.Equal("case-division", routed.Routing.Rule);
        Assert.Equal(Judge(2), chosen.Assignee.Id);
        Assert.Equal(V1.TicketMode.Dispatched, chosen.Mode);
        var unknown = await SubmitAsync(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure);
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await _engine.Tickets.DispatchAsync(new V1.DispatchRequest
        {
            TicketId = unknown.TicketId,
            StaffId = "staff-01",
            Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = "nobody" },
        }));
    }

    [Fact]
    public async Task Accept_then_reply_then_close()
    {
        var ticket = await ContactJudgeAsync(Judge(1));

        var accepted = (await _engine.Tickets.AcceptAsync(new V1.AcceptRequest { TicketId = ticket.TicketId, Actor = Judge(1) })).Ticket;
        var replied = (await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = Judge(1), Reply = "已收到材料" })).Ticket;

        Assert.Equal(V1.TicketState.Accepted, accepted.State);
        Assert.Equal(V1.TicketState.Replied, replied.State);
        Assert.NotNull(replied.RepliedAt);
    }

    [Fact]
    public async Task A_transfer_moves_the_ticket_and_its_load_and_is_counted()
    {
        var ticket = await ContactJudgeAsync(Judge(1));
        var before = await LoadsAsync();

        var moved = (await _engine.Tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = ticket.TicketId,
            Actor = Judge(1),
            To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge(2) },
            Reason = "由承办法官助理跟进",
        })).Ticket;

        Assert.Equal(Judge(2), moved.Assignee.Id);
        Assert.Equal(1, moved.TransferCount);
        Assert.Equal("由承办法官助理跟进", moved.History[^1].Reason);
        // Loads move by one-way calls.
        var after = await Eventually.ValueAsync(LoadsAsync, loads => loads[Judge(2)] == before[Judge(2)] + 1, "the new handler's load counts the ticket");
        Assert.Equal(before[Judge(1)] - 1, after[Judge(1)]);
        await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () => await _engine.Tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(2), To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge(2) }, Reason = "self",
        }));
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await _engine.Tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(2), To = new V1.Assignee { Type = V1.AssigneeType.Division, Id = "no-such-division" }, Reason = "x",
        }));
        await RpcAssert.InvalidFieldAsync("reason", async () => await _engine.Tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(2), To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge(1) },
        }));
    }

    [Fact]
    public async Task A_mis_routed_ticket_returns_to_the_platform_counted_against_its_rule_and_is_dispatched_again()
    {
        var ticket = await ContactJudgeAsync(Judge(1));
        var before = (await _engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = Court })).ReturnsByRule.GetValueOrDefault("presiding-judge");

        var returned = (await _engine.Tickets.ReturnToPlatformAsync(new V1.ReturnToPlatformRequest { TicketId = ticket.TicketId, Actor = Judge(1), Reason = "非本人承办" })).Ticket;
        var again = (await _engine.Tickets.DispatchAsync(new V1.DispatchRequest
        {
            TicketId = ticket.TicketId, StaffId = "staff-02", Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge(2) },
        })).Ticket;

        Assert.Equal(V1.TicketState.Returned, returned.State);
        Assert.Equal(V1.AssigneeType.PlatformQueue, returned.Assignee.Type);
        Assert.Equal(Court + "/platform", returned.Assignee.Id);
        Assert.Equal(1, returned.ReturnCount);
        Assert.Equal(before + 1, (await _engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = Court })).ReturnsByRule["presiding-judge"]);
        Assert.Equal(V1.TicketState.Dispatched, again.State);
        Assert.Equal(Judge(2), again.Assignee.Id);
    }

    [Fact]
    public async Task A_closed_ticket_reopens_to_its_handler_and_a_cancelled_one_takes_no_more_commands()
    {
        var ticket = await ContactJudgeAsync(Judge(1));
        await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = Judge(1), Reply = "已处理" });
        await _engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "staff-01" });

        var reopened = (await _engine.Tickets.ReopenAsync(new V1.ReopenRequest { TicketId = ticket.TicketId, Actor = "staff-01", Reason = "当事人不满意" })).Ticket;
        var cancelled = (await _engine.Tickets.CancelAsync(new V1.CancelRequest { TicketId = ticket.TicketId, Actor = "channel:hotline", Reason = "当事人撤回" })).Ticket;

        Assert.Equal(V1.TicketState.Reopened, reopened.State);
        Assert.Equal(Judge(1), reopened.Assignee.Id);
        Assert.Equal(1, reopened.ReopenCount);
        Assert.Equal(V1.TicketState.Cancelled, cancelled.State);
        var refused = await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () =>
            await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = Judge(1), Reply = "x" }));
        Assert.Contains("Cancelled", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_filter_by_court_state_and_kind_and_page_both_ways()
    {
        var caseNumber = await CaseAsync(Judge(1));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var request = Requests.ContactJudge(caseNumber);
            request.Caller.Phone = $"1380000{i:D4}";
            ids.Add((await _engine.Intake.SubmitTicketAsync(request)).Ticket.TicketId);
        }

        var newest = await PageAllAsync(new V1.ListTicketsRequest { CaseNumber = caseNumber, PageSize = 2 });
        var oldest = await PageAllAsync(new V1.ListTicketsRequest { CaseNumber = caseNumber, PageSize = 2, Order = V1.SortOrder.OldestFirst });
        var dispatchedContact = await PageAllAsync(new V1.ListTicketsRequest
        {
            CourtId = Court, CaseNumber = caseNumber, State = V1.TicketState.Dispatched, Kind = V1.TicketKind.ContactJudge, PageSize = 3,
        });

        Assert.Equal(Enumerable.Reverse(ids), newest);
        Assert.Equal(ids, oldest);
        Assert.Equal(Enumerable.Reverse(ids), dispatchedContact);
        var byCase = await _engine.Cases.ListCaseTicketsAsync(new V1.ListCaseTicketsRequest { CaseNumber = caseNumber, PageSize = 10 });
        Assert.Equal(ids, byCase.Tickets.Select(t => t.TicketId));
    }

    private async Task<List<string>> PageAllAsync(V1.ListTicketsRequest request)
    {
        var ids = new List<string>();
        do
        {
            var page = await _engine.Tickets.ListTicketsAsync(request);
            ids.AddRange(page.Tickets.Select(t => t.TicketId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return ids;
    }

    private async Task<Dictionary<string, int>> LoadsAsync() =>
        (await _engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = Court })).Judges.ToDictionary(j => j.JudgeId, j => j.OpenTickets);

    private async Task<string> CaseAsync(string judge)
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", judge));
        return caseNumber;
    }

    private async Task<V1.Ticket> ContactJudgeAsync(string judge)
    {
        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(await CaseAsync(judge)))).Ticket;
        Assert.Equal(judge, ticket.Assignee.Id);
        return ticket;
    }

    private async Task<V1.Ticket> SubmitAsync(V1.TicketKind kind, V1.TicketSubKind subKind, string? caseNumber = null)
    {
        var request = Requests.ContactJudge(caseNumber ?? string.Empty);
        request.Kind = kind;
        request.SubKind = subKind;
        request.CourtId = Court;
        return (await _engine.Intake.SubmitTicketAsync(request)).Ticket;
    }
}
