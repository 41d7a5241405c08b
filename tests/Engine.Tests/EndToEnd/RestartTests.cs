using Engine.Tests.Support;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

public sealed class RestartTests
{
    private const string Court = "sh-songjiang";

    [Fact]
    public async Task Tickets_in_every_state_cases_and_the_directory_read_back_the_same_after_a_restart()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync("--Engine:Tickets:CallbackShare=1");
        var judge = SampleDirectory.JudgeId(Court, "civil-1", 1);
        var caseNumber = SharedEngine.NewCaseNumber("沪0117");
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", judge));
        var t = engine.Tickets;
        var ids = new List<string>();

        async Task<string> Submit(V1.TicketKind kind, V1.TicketSubKind subKind, string phone, string? caseNo = null)
        {
            var request = Requests.ContactJudge(caseNo ?? string.Empty);
            (request.Kind, request.SubKind, request.CourtId, request.Caller.Phone) = (kind, subKind, Court, phone);
            var id = (await engine.Intake.SubmitTicketAsync(request)).Ticket.TicketId;
            ids.Add(id);
            return id;
        }

        var received = await Submit(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, "13800000101");
        var answered = await Submit(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, "13800000102");
        await t.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = answered, StaffId = "staff-1", Answer = "答复" });
        var dispatched = await Submit(V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactUrge, "13800000103", caseNumber);
        var merged = await Submit(V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactUrge, "13800000103", caseNumber);
        var accepted = await Submit(V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, "13800000104", caseNumber);
        await t.AcceptAsync(new V1.AcceptRequest { TicketId = accepted, Actor = judge });
        var replied = await Submit(V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, "13800000105", caseNumber);
        await t.ReplyAsync(new V1.ReplyRequest { TicketId = replied, Actor = judge, Reply = "已答复" });
        var reopened = await Submit(V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, "13800000106", caseNumber);
        await t.ReplyAsync(new V1.ReplyRequest { TicketId = reopened, Actor = judge, Reply = "已答复" });
        await t.CloseAsync(new V1.CloseRequest { TicketId = reopened, Actor = "staff-1" });
        await t.ReopenAsync(new V1.ReopenRequest { TicketId = reopened, Actor = "staff-1", Reason = "不满意" });
        var returned = await Submit(V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, "13800000107", caseNumber);
        await t.ReturnToPlatformAsync(new V1.ReturnToPlatformRequest { TicketId = returned, Actor = judge, Reason = "错派" });
        var transferred = await Submit(V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, "13800000108", caseNumber);
        await t.TransferAsync(new V1.TransferRequest { TicketId = transferred, Actor = judge, Reason = "转办", To = new V1.Assignee { Type = V1.AssigneeType.Division, Id = "civil-2" } });
        var cancelled = await Submit(V1.TicketKind.OnlineFiling, V1.TicketSubKind.FilingApplication, "13800000109");
        await t.CancelAsync(new V1.CancelRequest { TicketId = cancelled, Actor = "channel:web", Reason = "撤回" });
        ids.AddRange((await t.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = Court, Kind = V1.TicketKind.Callback })).Tickets.Select(c => c.TicketId));

        var before = await ReadAllAsync(engine, ids);
        var caseBefore = (await engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber })).Case;
        var courtBefore = await engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = Court });

        await engine.RestartAsync();

        Assert.Equal(before, await ReadAllAsync(engine, ids));
        Assert.Equal(caseBefore, (await engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber })).Case);
        var courtAfter = await engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = Court });
        Assert.Equal(courtBefore.ReturnsByRule, courtAfter.ReturnsByRule);
        Assert.Equal(courtBefore.Judges, courtAfter.Judges);
        var states = before.Select(x => x.State).ToHashSet();
        Assert.Superset(
            new HashSet<V1.TicketState> { V1.TicketState.Received, V1.TicketState.Closed, V1.TicketState.Dispatched, V1.TicketState.Merged, V1.TicketState.Accepted, V1.TicketState.Replied, V1.TicketState.Reopened, V1.TicketState.Returned, V1.TicketState.Cancelled },
            states);
        Assert.Equal(dispatched, before.Single(x => x.TicketId == merged).MergedInto);
        Assert.Equal(received, before[0].TicketId);
    }

    private static async Task<List<V1.Ticket>> ReadAllAsync(EngineInstance engine, IEnumerable<string> ids)
    {
        var tickets = new List<V1.Ticket>();
        foreach (var id in ids)
        {
            var ticket = (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = id })).Ticket;

            // The time left runs on between the reads; what is stored (the due times) must not change.
            if (ticket.Clock is { } clock)
            {
                clock.TimeLeft = null;
            }
            tickets.Add(ticket);
        }

        return tickets;
    }
}
