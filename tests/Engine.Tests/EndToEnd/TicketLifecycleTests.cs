using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Through a real Kestrel gRPC server and a gRPC client, on a real SQLite file.</summary>
public sealed class TicketLifecycleTests
{
    private const string CaseNumber = "(2025)沪0115民初12345号";
    private const string Court = "sh-pudong";

    [Fact]
    public async Task A_ticket_is_received_routed_replied_closed_and_everything_survives_a_restart()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var judge = SampleDirectory.JudgeId(Court, "civil-1", 1);
        await engine.Cases.UpsertCaseAsync(Requests.Case(CaseNumber, Court, "civil-1", judge));

        var submit = Requests.ContactJudge(CaseNumber, key: "hotline-call-0001");
        var first = await engine.Intake.SubmitTicketAsync(submit);
        Assert.False(first.Deduplicated);
        var ticket = first.Ticket;
        Assert.Equal(V1.TicketState.Dispatched, ticket.State);
        Assert.Equal(V1.TicketMode.Dispatched, ticket.Mode);
        Assert.Equal(V1.AssigneeType.Judge, ticket.Assignee.Type);
        Assert.Equal(judge, ticket.Assignee.Id);
        Assert.Equal(Court, ticket.CourtId);
        Assert.Equal("presiding-judge", ticket.Routing.Rule);
        Assert.Equal(["received", "dispatched"], ticket.History.Select(h => h.Action));

        var retry = await engine.Intake.SubmitTicketAsync(submit);
        Assert.True(retry.Deduplicated);
        Assert.Equal(ticket.TicketId, retry.Ticket.TicketId);

        var replied = await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = judge, Reply = "已安排开庭，请留意通知。" });
        Assert.Equal(V1.TicketState.Replied, replied.Ticket.State);
        var closed = await engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "platform-staff-1" });
        Assert.Equal(V1.TicketState.Closed, closed.Ticket.State);

        var mine = await engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest
        {
            Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = judge },
        });
        Assert.Equal([ticket.TicketId], mine.Tickets.Select(t => t.TicketId));

        await engine.RestartAsync();

        var reread = (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket;
        Assert.Equal(V1.TicketState.Closed, reread.State);
        Assert.Equal("已安排开庭，请留意通知。", reread.Reply);
        Assert.Equal(["received", "dispatched", "replied", "closed"], reread.History.Select(h => h.Action));
        Assert.Equal(judge, reread.History[2].Actor);
        Assert.Equal(closed.Ticket.Version, reread.Version);

        var again = await engine.Intake.SubmitTicketAsync(submit);
        Assert.True(again.Deduplicated);
        Assert.Equal(ticket.TicketId, again.Ticket.TicketId);

        var storedCase = (await engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = CaseNumber })).Case;
        Assert.Equal(judge, storedCase.PresidingJudgeId);
        var court = await engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = Court });
        Assert.Equal("上海市浦东新区人民法院", court.Court.Name);
        Assert.Contains(court.Judges, j => j.JudgeId == judge);
        Assert.Equal("filing", court.Court.FilingDivisionId);

        // (Closing may have sampled a CALLBACK ticket in the same court: list the contact-judge tickets.)
        var afterRestart = await engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = Court, Kind = V1.TicketKind.ContactJudge });
        Assert.Equal([ticket.TicketId], afterRestart.Tickets.Select(t => t.TicketId));
    }

    [Fact]
    public async Task Concurrent_submissions_with_one_idempotency_key_make_one_ticket()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        await engine.Cases.UpsertCaseAsync(Requests.Case(CaseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        var submit = Requests.ContactJudge(CaseNumber, key: "wechat-msg-42");
        submit.Channel = V1.Channel.Wechat;

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ => await engine.Intake.SubmitTicketAsync(submit)));

        Assert.Single(results.Select(r => r.Ticket.TicketId).Distinct());
        Assert.Single(results, r => !r.Deduplicated);
        Assert.Equal(1, CountRows(engine, "tickets"));
    }

    [Fact]
    public async Task The_same_key_on_another_channel_is_another_ticket()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var hotline = Requests.ContactJudge(CaseNumber, key: "k-1");
        var web = Requests.ContactJudge(CaseNumber, key: "k-1");
        web.Channel = V1.Channel.Web;
        hotline.CourtId = web.CourtId = Court;

        var a = await engine.Intake.SubmitTicketAsync(hotline);
        var b = await engine.Intake.SubmitTicketAsync(web);

        Assert.NotEqual(a.Ticket.TicketId, b.Ticket.TicketId);
        Assert.False(b.Deduplicated);
    }

    [Fact]
    public async Task Wrong_transitions_and_unknown_tickets_are_refused_without_changes()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var judge = SampleDirectory.JudgeId(Court, "civil-1", 1);
        await engine.Cases.UpsertCaseAsync(Requests.Case(CaseNumber, Court, "civil-1", judge));
        var ticket = (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(CaseNumber))).Ticket;

        var close = await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () =>
            await engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "staff" }));
        Assert.Contains("Dispatched", close.Status.Detail, StringComparison.Ordinal);

        await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = judge, Reply = "好的" });
        await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () =>
            await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = judge, Reply = "again" }));

        var unknown = "T" + new string('0', 26);
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () =>
            await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = unknown }));
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () =>
            await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = unknown, Actor = judge, Reply = "x" }));

        var stored = (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket;
        Assert.Equal(V1.TicketState.Replied, stored.State);
        Assert.Equal(2, stored.Version);
        Assert.Equal(3, CountRows(engine, "events", $"aggregate_id = '{ticket.TicketId}'"));
    }

    internal static long CountRows(EngineInstance engine, string table, string where = "1 = 1") =>
        EngineDatabase.Scalar(engine.DataDirectory, $"SELECT COUNT(*) FROM {table} WHERE {where};");
}
