using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Duplicates merged into the open ticket, and open tickets following their case, its judge and their leave.</summary>
public sealed class DuplicateAndRerouteTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    private const string Court = "sh-minhang";
    private readonly EngineInstance _engine = shared.Instance;

    private static string Judge(string division, int n) => SampleDirectory.JudgeId(Court, division, n);

    [Fact]
    public async Task A_wechat_message_and_a_hotline_call_about_the_same_case_are_one_need()
    {
        var caseNumber = await CaseAsync("civil-2", Judge("civil-2", 1));
        var wechat = Requests.ContactJudge(caseNumber);
        wechat.Channel = V1.Channel.Wechat;
        var first = (await _engine.Intake.SubmitTicketAsync(wechat)).Ticket;

        var second = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;

        Assert.Equal(V1.TicketState.Merged, second.State);
        Assert.Equal(first.TicketId, second.MergedInto);
        Assert.Equal(V1.Channel.Hotline, second.Channel);
        var open = (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = first.TicketId })).Ticket;
        Assert.Equal([second.TicketId], open.MergedTicketIds);
        Assert.Equal(V1.TicketState.Dispatched, open.State);
    }

    [Fact]
    public async Task Another_caller_another_kind_or_a_closed_ticket_is_not_merged()
    {
        var judge = Judge("civil-2", 2);
        var caseNumber = await CaseAsync("civil-2", judge);
        var first = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        var otherCaller = Requests.ContactJudge(caseNumber);
        otherCaller.Caller.Phone = "13800000099";
        var otherKind = Requests.ContactJudge(caseNumber);
        otherKind.Kind = V1.TicketKind.OnlineMatter;
        otherKind.SubKind = V1.TicketSubKind.MatterMaterialSubmission;

        Assert.Equal(V1.TicketState.Dispatched, (await _engine.Intake.SubmitTicketAsync(otherCaller)).Ticket.State);
        Assert.Equal(V1.TicketState.Dispatched, (await _engine.Intake.SubmitTicketAsync(otherKind)).Ticket.State);

        await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = first.TicketId, Actor = judge, Reply = "已答复" });
        var afterReply = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        Assert.Equal(V1.TicketState.Dispatched, afterReply.State);
        Assert.Empty(afterReply.MergedInto);
    }

    [Fact]
    public async Task A_new_presiding_judge_takes_over_the_open_tickets_of_the_case()
    {
        var caseNumber = await CaseAsync("commercial", Judge("commercial", 1));
        var open = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        var other = Requests.ContactJudge(caseNumber);
        other.Caller.Phone = "13800000077";
        var done = (await _engine.Intake.SubmitTicketAsync(other)).Ticket;
        await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = done.TicketId, Actor = Judge("commercial", 1), Reply = "已答复" });

        var assigned = await _engine.Cases.AssignJudgeAsync(new V1.AssignJudgeRequest { CaseNumber = caseNumber, JudgeId = Judge("commercial", 2), Reason = "承办法官调整" });

        Assert.Equal(1, assigned.TicketsMoved);
        var moved = (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = open.TicketId })).Ticket;
        Assert.Equal(Judge("commercial", 2), moved.Assignee.Id);
        Assert.Equal("rerouted", moved.History[^1].Action);
        Assert.Equal(Judge("commercial", 1), (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = done.TicketId })).Ticket.Assignee.Id);
        var later = Requests.ContactJudge(caseNumber);
        later.Caller.Phone = "13800000055";
        Assert.Equal(Judge("commercial", 2), (await _engine.Intake.SubmitTicketAsync(later)).Ticket.Assignee.Id);
    }

    [Fact]
    public async Task When_a_leave_begins_the_judges_open_tickets_go_to_the_delegate_and_stay_in_the_judges_list()
    {
        var judge = Judge("criminal", 1);
        var delegateJudge = Judge("criminal", 2);
        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(await CaseAsync("criminal", judge)))).Ticket;

        await _engine.Directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest
        {
            JudgeId = judge,
            Availability = new V1.Availability
            {
                LeaveFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                LeaveTo = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3)),
                DelegateJudgeId = delegateJudge,
            },
        });

        var moved = (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket;
        Assert.Equal(delegateJudge, moved.Assignee.Id);
        Assert.Equal(judge, moved.DelegatedFrom);
        var judgesList = await _engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = judge } });
        Assert.Contains(judgesList.Tickets, t => t.TicketId == ticket.TicketId);
        var delegatesList = await _engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = delegateJudge } });
        Assert.Contains(delegatesList.Tickets, t => t.TicketId == ticket.TicketId);
    }

    [Fact]
    public async Task A_leave_that_begins_later_moves_the_tickets_when_it_begins()
    {
        var judge = Judge("administrative", 1);
        var delegateJudge = Judge("administrative", 2);
        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(await CaseAsync("administrative", judge)))).Ticket;
        var begins = DateTimeOffset.UtcNow.AddSeconds(2);

        await _engine.Directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest
        {
            JudgeId = judge,
            Availability = new V1.Availability
            {
                LeaveFrom = Timestamp.FromDateTimeOffset(begins),
                LeaveTo = Timestamp.FromDateTimeOffset(begins.AddDays(2)),
                DelegateJudgeId = delegateJudge,
            },
        });
        Assert.Equal(judge, (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket.Assignee.Id);

        var current = await Eventually.ValueAsync(
            async () => (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket,
            t => t.Assignee.Id == delegateJudge, "the ticket is with the delegate once the leave began");
        Assert.Equal(judge, current.DelegatedFrom);
        Assert.True(current.UpdatedAt.ToDateTimeOffset() >= begins, "the ticket moved before the leave began");
    }

    [Fact]
    public async Task Tickets_follow_an_appealed_case_to_its_new_court_and_never_return_to_the_old_one()
    {
        var caseNumber = await CaseAsync("civil-1", Judge("civil-1", 1));
        var open = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        var appeal = SharedEngine.NewCaseNumber("沪01", "民终");
        var appealJudge = SampleDirectory.JudgeId("sh-1st-int", "civil-1", 2);
        await _engine.Cases.UpsertCaseAsync(Requests.Case(appeal, "sh-1st-int", "civil-1", appealJudge));

        await _engine.Cases.MoveCaseAsync(new V1.MoveCaseRequest { CaseNumber = caseNumber, ToCourtId = "sh-1st-int", ToCaseNumber = appeal, Reason = "上诉" });

        var followed = (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = open.TicketId })).Ticket;
        Assert.Equal(appealJudge, followed.Assignee.Id);
        Assert.Equal("sh-1st-int", followed.CourtId);
        var request = Requests.ContactJudge(caseNumber);
        request.Caller.Phone = "13800000066";
        request.CourtId = Court;
        var fresh = (await _engine.Intake.SubmitTicketAsync(request)).Ticket;
        Assert.Equal("sh-1st-int", fresh.CourtId);
        Assert.Equal(appealJudge, fresh.Assignee.Id);
        Assert.StartsWith("case-moved/", fresh.Routing.Rule, StringComparison.Ordinal);
        var moved = (await _engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber })).Case;
        Assert.Equal(V1.CaseStatus.Moved, moved.Status);
    }

    private async Task<string> CaseAsync(string division, string judge)
    {
        var caseNumber = SharedEngine.NewCaseNumber("沪0112");
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, division, judge));
        return caseNumber;
    }
}
