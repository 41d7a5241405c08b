using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Past the role gate, each role reaches only its own part of the data: a channel its channels, a judge the tickets
/// assigned to them (checked by the ticket itself, so a ticket transferred away is out of reach at once), court staff
/// and court-limited systems their courts; and phone numbers are in clear only for keys with the personal-data scope.
/// </summary>
public sealed class AccessScopeTests(AuthorizedEngine fixture) : IClassFixture<AuthorizedEngine>
{
    private EngineInstance Engine => fixture.Instance;

    [Fact]
    public async Task A_channel_adapter_submits_and_reads_only_for_its_own_channel()
    {
        var hotline = new V1.IntakeService.IntakeServiceClient(Engine.As(fixture["channel"]));
        var own = (await hotline.SubmitTicketAsync(Requests.ContactJudge(await NewCaseAsync(AuthorizedEngine.Court, 1)))).Ticket;
        var web = Requests.ContactJudge(await NewCaseAsync(AuthorizedEngine.Court, 1));
        web.Channel = V1.Channel.Web;

        var refused = await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => hotline.SubmitTicketAsync(web).ResponseAsync);
        Assert.StartsWith("channel:", refused.Status.Detail, StringComparison.Ordinal);

        var webTicket = (await Admin<V1.IntakeService.IntakeServiceClient>().SubmitTicketAsync(web)).Ticket;
        var tickets = new V1.TicketService.TicketServiceClient(Engine.As(fixture["channel"]));
        Assert.Equal(own.TicketId, (await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = own.TicketId })).Ticket.TicketId);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = webTicket.TicketId }).ResponseAsync);
    }

    [Fact]
    public async Task A_judge_acts_only_on_their_own_tickets_under_their_own_name_and_loses_one_transferred_away()
    {
        var judge = new V1.TicketService.TicketServiceClient(Engine.As(fixture["judge"]));
        var mine = await SubmitAsync(AuthorizedEngine.Court, 1);
        var theirs = await SubmitAsync(AuthorizedEngine.Court, 2);
        Assert.Equal(AuthorizedEngine.Judge(1), mine.Assignee.Id);

        Assert.Equal(mine.TicketId, (await judge.GetTicketAsync(new V1.GetTicketRequest { TicketId = mine.TicketId })).Ticket.TicketId);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => judge.GetTicketAsync(new V1.GetTicketRequest { TicketId = theirs.TicketId }).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => judge.AcceptAsync(new V1.AcceptRequest { TicketId = theirs.TicketId, Actor = AuthorizedEngine.Judge(1) }).ResponseAsync);
        var impersonation = await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () =>
            judge.AcceptAsync(new V1.AcceptRequest { TicketId = mine.TicketId, Actor = AuthorizedEngine.Judge(2) }).ResponseAsync);
        Assert.StartsWith("actor:", impersonation.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => judge.ListTicketsAsync(new V1.ListTicketsRequest
        {
            Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = AuthorizedEngine.Judge(2) },
        }).ResponseAsync);
        var list = await judge.ListTicketsAsync(new V1.ListTicketsRequest { Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = AuthorizedEngine.Judge(1) } });
        Assert.Contains(list.Tickets, t => t.TicketId == mine.TicketId);
        Assert.All(list.Tickets, t => Assert.Equal(AuthorizedEngine.Judge(1), t.Assignee.Id));

        await judge.TransferAsync(new V1.TransferRequest
        {
            TicketId = mine.TicketId, Actor = AuthorizedEngine.Judge(1), Reason = "承办人变更",
            To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = AuthorizedEngine.Judge(2) },
        });
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () =>
            judge.ReplyAsync(new V1.ReplyRequest { TicketId = mine.TicketId, Actor = AuthorizedEngine.Judge(1), Reply = "已处理" }).ResponseAsync);
        var after = (await Admin<V1.TicketService.TicketServiceClient>().GetTicketAsync(new V1.GetTicketRequest { TicketId = mine.TicketId })).Ticket;
        Assert.True(string.IsNullOrEmpty(after.Reply));
    }

    [Fact]
    public async Task Court_staff_reach_only_their_court_in_tickets_lists_statistics_and_the_directory()
    {
        var staff = new V1.TicketService.TicketServiceClient(Engine.As(fixture["staff"]));
        var stats = new V1.StatsService.StatsServiceClient(Engine.As(fixture["staff"]));
        var directory = new V1.DirectoryService.DirectoryServiceClient(Engine.As(fixture["staff"]));
        var ours = await SubmitAsync(AuthorizedEngine.Court, 1);
        var elsewhere = await SubmitAsync(AuthorizedEngine.OtherCourt, 1);

        Assert.Equal(ours.TicketId, (await staff.GetTicketAsync(new V1.GetTicketRequest { TicketId = ours.TicketId })).Ticket.TicketId);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => staff.GetTicketAsync(new V1.GetTicketRequest { TicketId = elsewhere.TicketId }).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => staff.CloseAsync(new V1.CloseRequest { TicketId = elsewhere.TicketId, Actor = "staff-1" }).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => staff.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = AuthorizedEngine.OtherCourt }).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => staff.ListTicketsAsync(new V1.ListTicketsRequest { State = V1.TicketState.Dispatched }).ResponseAsync);
        Assert.Contains((await staff.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = AuthorizedEngine.Court })).Tickets, t => t.TicketId == ours.TicketId);

        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = AuthorizedEngine.OtherCourt } }).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => stats.GetStatsAsync(new V1.GetStatsRequest()).ResponseAsync);
        await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = AuthorizedEngine.Court } });

        var leave = new V1.Availability();
        var otherJudge = SampleDirectory.JudgeId(AuthorizedEngine.OtherCourt, AuthorizedEngine.Division, 2);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest { JudgeId = otherJudge, Availability = leave }).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.NotFound, () => directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest { JudgeId = otherJudge, Availability = leave, CourtId = AuthorizedEngine.Court }).ResponseAsync);
        await directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest { JudgeId = AuthorizedEngine.Judge(2), Availability = leave, CourtId = AuthorizedEngine.Court });
    }

    [Fact]
    public async Task A_case_system_limited_to_a_court_writes_only_that_courts_cases()
    {
        var cases = new V1.CaseService.CaseServiceClient(Engine.As(fixture["cases"]));
        var elsewhere = await NewCaseAsync(AuthorizedEngine.OtherCourt, 1);

        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () =>
            cases.UpsertCaseAsync(Requests.Case(SharedEngine.NewCaseNumber(), AuthorizedEngine.OtherCourt, AuthorizedEngine.Division, null)).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.PermissionDenied, () => cases.RecordNodeAsync(new V1.RecordNodeRequest
        {
            CaseNumber = elsewhere,
            Node = new V1.CaseNode { Type = V1.CaseNodeType.HearingScheduled, At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Public = true },
        }).ResponseAsync);
        await cases.UpsertCaseAsync(Requests.Case(SharedEngine.NewCaseNumber(), AuthorizedEngine.Court, AuthorizedEngine.Division, AuthorizedEngine.Judge(1)));
    }

    [Fact]
    public async Task Phone_numbers_are_masked_in_answers_and_events_for_keys_without_the_personal_data_scope()
    {
        var ticket = await SubmitAsync(AuthorizedEngine.Court, 1);
        var masked = "138****0001";

        var supervisor = new V1.TicketService.TicketServiceClient(Engine.As(fixture["supervisor"]));
        Assert.Equal(masked, (await supervisor.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket.Caller.Phone);
        var judge = new V1.TicketService.TicketServiceClient(Engine.As(fixture["judge"]));
        Assert.Equal(Requests.FakePhone, (await judge.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket.Caller.Phone);
        var supervisedCase = await new V1.CaseService.CaseServiceClient(Engine.As(fixture["supervisor"])).GetCaseAsync(new V1.GetCaseRequest { CaseNumber = ticket.CaseNumber });
        Assert.All(supervisedCase.Case.Parties, p => Assert.Equal(masked, p.Phone));

        var plain = await FirstReceivedAsync(fixture["subscriber"], ticket.TicketId);
        Assert.Equal(masked, plain.Ticket.Caller.Phone);
        var withScope = await Engine.CreateKeyAsync(V1.AccessRole.Subscriber, new V1.AccessScope { PersonalData = true }, name: "sms-sender");
        Assert.Equal(Requests.FakePhone, (await FirstReceivedAsync(withScope, ticket.TicketId)).Ticket.Caller.Phone);
    }

    [Fact]
    public async Task A_subscriber_limited_to_a_court_reads_only_its_events()
    {
        var limited = await Engine.CreateKeyAsync(V1.AccessRole.Subscriber, new V1.AccessScope { CourtIds = { AuthorizedEngine.Court } }, name: "pudong-sms");
        var events = new V1.EventService.EventServiceClient(Engine.As(limited));
        var refused = await RpcAssert.StatusAsync(StatusCode.PermissionDenied, async () =>
        {
            using var call = events.Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { CourtIds = { AuthorizedEngine.OtherCourt } } });
            await call.ResponseStream.MoveNext();
        });
        Assert.StartsWith("filter.court_ids[0]:", refused.Status.Detail, StringComparison.Ordinal);

        await SubmitAsync(AuthorizedEngine.OtherCourt, 1);
        var ours = await SubmitAsync(AuthorizedEngine.Court, 1);
        var seen = await FirstReceivedAsync(limited, ours.TicketId, all: true);
        Assert.All(seen, e => Assert.Equal(AuthorizedEngine.Court, e.CourtId));
    }

    private async Task<V1.TicketReceived> FirstReceivedAsync(string key, string ticketId) =>
        (await FirstReceivedAsync(key, ticketId, all: true)).Last().Payload.Unpack<V1.TicketReceived>();

    /// <summary>The events a key reads from the start of the log up to the ticket's ticket.received.</summary>
    private async Task<List<V1.Event>> FirstReceivedAsync(string key, string ticketId, bool all)
    {
        var events = new V1.EventService.EventServiceClient(Engine.As(key));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = events.Subscribe(new V1.SubscribeRequest(), cancellationToken: cancel.Token);
        var seen = new List<V1.Event>();
        while (await call.ResponseStream.MoveNext(cancel.Token))
        {
            if (call.ResponseStream.Current.Event is { } e)
            {
                seen.Add(e);
                if (e.EventType == "ticket.received" && e.AggregateId == ticketId)
                {
                    return seen;
                }
            }
        }

        throw new InvalidOperationException($"the stream ended before ticket.received of {ticketId}");
    }

    private T Admin<T>() => (T)Activator.CreateInstance(typeof(T), Engine.As(fixture["admin"]))!;

    private async Task<string> NewCaseAsync(string court, int judge)
    {
        var number = SharedEngine.NewCaseNumber();
        await Admin<V1.CaseService.CaseServiceClient>().UpsertCaseAsync(Requests.Case(number, court, AuthorizedEngine.Division, SampleDirectory.JudgeId(court, AuthorizedEngine.Division, judge)));
        return number;
    }

    private async Task<V1.Ticket> SubmitAsync(string court, int judge) =>
        (await Admin<V1.IntakeService.IntakeServiceClient>().SubmitTicketAsync(Requests.ContactJudge(await NewCaseAsync(court, judge)))).Ticket;
}
