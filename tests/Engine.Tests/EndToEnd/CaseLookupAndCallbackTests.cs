using Engine.Api.Services;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Progress nodes and the parties' password look-up; callbacks after closing. Each test owns its engine:
/// the restart at the end of each checks that what it made survives.</summary>
public sealed class CaseLookupAndCallbackTests
{
    private const string Court = "sh-jingan";
    private const string Password = "test-password-1";

    [Fact]
    public async Task A_party_sees_only_public_nodes_and_every_failure_looks_the_same_until_the_pair_is_locked()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        await RecordAsync(engine, caseNumber, V1.CaseNodeType.Filed, isPublic: true, "立案");
        await RecordAsync(engine, caseNumber, V1.CaseNodeType.Other, isPublic: false, "内部合议");
        await RecordAsync(engine, caseNumber, V1.CaseNodeType.HearingScheduled, isPublic: true, "定于下周开庭");

        var found = await engine.Cases.LookupCaseAsync(Lookup(caseNumber, Requests.FakePhone, Password));
        Assert.Equal([V1.CaseNodeType.Filed, V1.CaseNodeType.HearingScheduled], found.PublicNodes.Select(n => n.Type));

        var answers = new List<string>();
        foreach (var attempt in new[]
        {
            Lookup(caseNumber, Requests.FakePhone, "wrong-password"),
            Lookup(caseNumber, "13900000000", Password),
            Lookup(SharedEngine.NewCaseNumber("沪0106"), Requests.FakePhone, Password),
        })
        {
            var failed = await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await engine.Cases.LookupCaseAsync(attempt));
            answers.Add(failed.Status.Detail);
        }

        Assert.Single(answers.Distinct());
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<RpcException>(async () => await engine.Cases.LookupCaseAsync(Lookup(caseNumber, Requests.FakePhone, "guess-" + i)));
        }

        await engine.RestartAsync();
        var locked = await RpcAssert.StatusAsync(StatusCode.NotFound, async () =>
            await engine.Cases.LookupCaseAsync(Lookup(caseNumber, Requests.FakePhone, Password)));
        Assert.Equal(answers[0], locked.Status.Detail);
        var nodes = (await engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber })).Case.Nodes;
        Assert.Equal(3, nodes.Count);
    }

    [Fact]
    public async Task Every_kind_of_failed_look_up_gets_the_same_code_message_and_detail_bytes()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var open = SharedEngine.NewCaseNumber("沪0106");
        var locked = SharedEngine.NewCaseNumber("沪0106");
        var withoutPassword = SharedEngine.NewCaseNumber("沪0106");
        await engine.Cases.UpsertCaseAsync(Requests.Case(open, Court, "civil-1", null));
        await engine.Cases.UpsertCaseAsync(Requests.Case(locked, Court, "civil-1", null));
        await engine.Cases.UpsertCaseAsync(new V1.UpsertCaseRequest(Requests.Case(withoutPassword, Court, "civil-1", null)) { ServicePassword = string.Empty });
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<RpcException>(async () => await engine.Cases.LookupCaseAsync(Lookup(locked, Requests.FakePhone, "guess-" + i)));
        }

        Assert.Equal(open, (await engine.Cases.LookupCaseAsync(Lookup(open, "+86 138-0000-0001", Password))).CaseNumber);
        var failures = new Dictionary<string, V1.LookupCaseRequest>
        {
            ["no such case"] = Lookup(SharedEngine.NewCaseNumber("沪0106"), Requests.FakePhone, Password),
            ["no such court"] = Lookup("(2025)沪9999民初1号", Requests.FakePhone, Password),
            ["the old form of number, unknown"] = Lookup("(2014)沪一中民四(商)终字第1234号", Requests.FakePhone, Password),
            ["a leading zero in the sequence"] = Lookup(open.Replace("民初", "民初0", StringComparison.Ordinal), Requests.FakePhone, Password),
            ["wrong phone"] = Lookup(open, "13900000000", Password),
            ["wrong phone, a landline with +86"] = Lookup(open, "+86 021-1234-5678", Password),
            ["wrong password"] = Lookup(open, Requests.FakePhone, "wrong-password"),
            ["the password in capitals"] = Lookup(open, Requests.FakePhone, Password.ToUpperInvariant()),
            ["the password with a space"] = Lookup(open, Requests.FakePhone, Password + " "),
            ["the longest password"] = Lookup(open, Requests.FakePhone, new string('密', CaseApi.MaxPasswordLength)),
            ["full-width brackets, wrong password"] = Lookup(open.Replace('(', '（').Replace(')', '）'), Requests.FakePhone, "wrong-password"),
            ["locked, with the right password"] = Lookup(locked, Requests.FakePhone, Password),
            ["a case without a password"] = Lookup(withoutPassword, Requests.FakePhone, Password),
        };

        var answers = new Dictionary<string, string>();
        foreach (var (kind, request) in failures)
        {
            var failed = await Assert.ThrowsAsync<RpcException>(async () => await engine.Cases.LookupCaseAsync(request));
            // A failure is a trailers-only response: its metadata holds Kestrel's headers too, and the date moves on.
            var metadata = failed.Trailers.Where(t => t.Key != "date");
            answers[kind] = $"{failed.StatusCode} '{failed.Status.Detail}' " + string.Join(' ', metadata.Select(t => t.Key + "=" + (t.IsBinary ? Convert.ToBase64String(t.ValueBytes) : t.Value)));
        }

        var first = answers.First().Value;
        Assert.StartsWith("NotFound ", first, StringComparison.Ordinal);
        Assert.All(answers, a => Assert.True(a.Value == first, $"{a.Key}: {a.Value}\nnot the same as: {first}"));
    }

    [Fact]
    public async Task Every_closed_complaint_gets_a_callback_and_a_dissatisfied_result_reopens_it()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var complaint = new V1.SubmitTicketRequest
        {
            IdempotencyKey = "complaint-1",
            Channel = V1.Channel.Web,
            Kind = V1.TicketKind.Suggestion,
            SubKind = V1.TicketSubKind.SuggestionComplaint,
            CourtId = Court,
            Caller = new V1.Caller { Name = "测试", Phone = Requests.FakePhone, Role = V1.CallerRole.Public },
            Content = "窗口服务态度差",
        };
        var ticket = (await engine.Intake.SubmitTicketAsync(complaint)).Ticket;
        var handler = ticket.Assignee.Id;
        await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = handler, Reply = "已核实并整改" });
        await engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "staff-01" });

        var callback = Assert.Single((await engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = Court, Kind = V1.TicketKind.Callback })).Tickets);
        Assert.Equal(ticket.TicketId, callback.CallbackOf);
        Assert.Equal(V1.AssigneeType.PlatformQueue, callback.Assignee.Type);
        Assert.Equal(V1.TicketState.Received, callback.State);

        await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () => await engine.Tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
        {
            TicketId = ticket.TicketId, Actor = "staff-09", ServiceSatisfaction = V1.Satisfaction.Satisfied, ResultSatisfaction = V1.Satisfaction.Satisfied,
        }));
        var recorded = (await engine.Tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
        {
            TicketId = callback.TicketId,
            Actor = "staff-09",
            ServiceSatisfaction = V1.Satisfaction.BasicallySatisfied,
            ResultSatisfaction = V1.Satisfaction.Dissatisfied,
            Note = "问题未解决",
        })).Ticket;

        Assert.Equal(V1.TicketState.Closed, recorded.State);
        Assert.Equal(V1.Satisfaction.Dissatisfied, recorded.Callback.ResultSatisfaction);
        await engine.RestartAsync();
        var original = (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket;
        Assert.Equal(V1.TicketState.Reopened, original.State);
        Assert.Equal(handler, original.Assignee.Id);
        Assert.Contains(callback.TicketId, original.History[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(V1.Satisfaction.BasicallySatisfied, (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = callback.TicketId })).Ticket.Callback.ServiceSatisfaction);
    }

    [Fact]
    public async Task With_the_supervise_policy_a_dissatisfied_result_opens_a_complaint_for_the_service_office()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync("--Engine:Tickets:DissatisfiedResult=Supervise", "--Engine:Tickets:CallbackShare=1");
        var judge = SampleDirectory.JudgeId(Court, "civil-1", 1);
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", judge));
        var ticket = (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = judge, Reply = "已答复" });
        await engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "staff-01" });
        var callback = Assert.Single((await engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = Court, Kind = V1.TicketKind.Callback })).Tickets);

        await engine.Tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
        {
            TicketId = callback.TicketId, Actor = "staff-09", ServiceSatisfaction = V1.Satisfaction.Satisfied, ResultSatisfaction = V1.Satisfaction.Dissatisfied,
        });

        var supervision = Assert.Single((await engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = Court, Kind = V1.TicketKind.Suggestion })).Tickets);
        Assert.Equal(V1.TicketSubKind.SuggestionComplaint, supervision.SubKind);
        Assert.Equal(ticket.TicketId, supervision.CallbackOf);
        Assert.StartsWith(Court + "/service-office/", supervision.Assignee.Id, StringComparison.Ordinal);
        Assert.Equal(V1.TicketState.Closed, (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket.State);
    }

    private static V1.LookupCaseRequest Lookup(string caseNumber, string phone, string password) =>
        new() { CaseNumber = caseNumber, Phone = phone, ServicePassword = password };

    private static Task<V1.RecordNodeResponse> RecordAsync(EngineInstance engine, string caseNumber, V1.CaseNodeType type, bool isPublic, string detail) =>
        engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest
        {
            CaseNumber = caseNumber,
            Node = new V1.CaseNode { Type = type, At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Detail = detail, Public = isPublic },
        }).ResponseAsync;
}
