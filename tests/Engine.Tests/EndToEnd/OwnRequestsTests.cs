using Engine.Api.Services;
using Engine.Domain;
using Engine.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// People follow their own requests (docs/decisions.md, entry 58): a caller's tickets by a case's service password (that
/// case's tickets) or by a one-time code the engine issues as caller.code_issued for the SMS sender (every ticket of the
/// phone). Every refusal gets one answer; wrong codes lock the phone as wrong passwords lock a (case, phone) pair.
/// </summary>
public sealed class OwnRequestsTests
{
    private const string Court = "sh-jingan";
    private const string Password = "test-password-1";
    private const string OtherPhone = "13900000002";

    [Fact]
    public async Task A_party_finds_their_tickets_on_a_case_by_its_service_password_newest_first_with_the_reply()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var (caseNumber, first, second) = await TwoTicketsAsync(engine);
        await engine.Intake.SubmitTicketAsync(WithPhone(Requests.ContactJudge(caseNumber), OtherPhone));
        await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = first.TicketId, Actor = first.Assignee.Id, Reply = "已答复：下周开庭" });

        var page = await engine.Cases.LookupMyTicketsAsync(ByPassword(caseNumber, pageSize: 1));
        var next = await engine.Cases.LookupMyTicketsAsync(ByPassword(caseNumber, pageSize: 1, page.NextPageToken));

        Assert.Equal(second.TicketId, Assert.Single(page.Tickets).TicketId);
        var replied = Assert.Single(next.Tickets);
        Assert.Equal(first.TicketId, replied.TicketId);
        Assert.Equal(string.Empty, next.NextPageToken);
        Assert.Equal(V1.TicketState.Replied, replied.State);
        Assert.Equal("已答复：下周开庭", replied.Reply);
        Assert.NotNull(replied.RepliedAt);
        Assert.NotNull(replied.ReplyDeadline);
        Assert.Equal(caseNumber, replied.CaseNumber);
        Assert.Equal("judge", replied.HandlerRole);
        Assert.Equal(string.Empty, replied.HandlerName);
    }

    [Fact]
    public async Task A_court_that_allows_it_names_the_handler()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync($"--Engine:Tickets:LookupNamesHandlersAt:0={Court}");
        var (caseNumber, first, _) = await TwoTicketsAsync(engine);

        var tickets = (await engine.Cases.LookupMyTicketsAsync(ByPassword(caseNumber))).Tickets;

        var judge = (await engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = Court })).Judges.Single(j => j.JudgeId == first.Assignee.Id);
        Assert.Equal(judge.Name, tickets.Single(t => t.TicketId == first.TicketId).HandlerName);
        Assert.All(tickets, t => Assert.NotEqual(string.Empty, t.HandlerName));
    }

    [Fact]
    public async Task A_caller_finds_every_ticket_of_their_phone_by_the_code_of_the_event_and_the_code_works_once()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var (caseNumber, first, second) = await TwoTicketsAsync(engine);
        var elsewhere = (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(SharedEngine.NewCaseNumber("沪0115")))).Ticket;
        using var events = Subscribe(engine, null);

        var answer = await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = "+86 138-0000-0001", CaseNumber = caseNumber });
        var issued = (await CodesAsync(events, 1))[0];

        Assert.Equal(TimeSpan.FromMinutes(10), answer.CodeLifetime.ToTimeSpan());
        Assert.Equal(Requests.FakePhone, issued.Phone);
        Assert.Matches("^[0-9]{6}$", issued.Code);
        Assert.Equal(Court, issued.CourtId);
        var page = await engine.Cases.LookupMyTicketsAsync(ByCode(issued.Code, pageSize: 2));
        var rest = await engine.Cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest { Phone = Requests.FakePhone, PageToken = page.NextPageToken });
        Assert.Equal([elsewhere.TicketId, second.TicketId, first.TicketId], page.Tickets.Concat(rest.Tickets).Select(t => t.TicketId));
        Assert.Equal(string.Empty, rest.NextPageToken);

        await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(ByCode(issued.Code)).ResponseAsync);
        await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest { Phone = Requests.FakePhone, PageToken = page.NextPageToken }).ResponseAsync);
    }

    [Fact]
    public async Task A_code_expires_after_its_lifetime_on_the_engine_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        await using var engine = await StartAsync(clock);
        await TwoTicketsAsync(engine);
        using var events = Subscribe(engine, null);
        await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var first = (await CodesAsync(events, 1))[0];
        clock.Advance(TimeSpan.FromMinutes(2));
        await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var second = (await CodesAsync(events, 1))[0];

        // A new code replaces the one before; it lives ten minutes, not a second more.
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(ByCode(second.Code)).ResponseAsync);
        await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(ByCode(first.Code)).ResponseAsync);
    }

    [Fact]
    public async Task Every_refusal_gets_the_same_single_answer()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        await using var engine = await StartAsync(clock, "--Engine:Tickets:LookupMaxFailures=100");
        var (caseNumber, _, _) = await TwoTicketsAsync(engine);
        using var events = Subscribe(engine, null);
        await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var code = (await CodesAsync(events, 1))[0].Code;
        await engine.Cases.LookupMyTicketsAsync(ByCode(code));
        await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = "13700000003" });
        var expired = (await CodesAsync(events, 1))[0].Code;
        clock.Advance(TimeSpan.FromMinutes(11));

        var refusals = new Func<Task>[]
        {
            () => engine.Cases.LookupMyTicketsAsync(ByCode("123456", OtherPhone)).ResponseAsync, // a phone with no code or tickets
            () => engine.Cases.LookupMyTicketsAsync(ByCode(code)).ResponseAsync, // used
            () => engine.Cases.LookupMyTicketsAsync(ByCode(code == "000000" ? "000001" : "000000")).ResponseAsync, // wrong
            () => engine.Cases.LookupMyTicketsAsync(ByCode(expired, "13700000003")).ResponseAsync, // expired
            () => engine.Cases.LookupMyTicketsAsync(ByPassword(caseNumber, password: "wrong-password")).ResponseAsync,
            () => engine.Cases.LookupMyTicketsAsync(ByPassword(caseNumber, phone: OtherPhone)).ResponseAsync, // not a party
            () => engine.Cases.LookupMyTicketsAsync(ByPassword(SharedEngine.NewCaseNumber("沪0106"))).ResponseAsync, // no such case
        };

        var answers = new List<Status>();
        foreach (var refusal in refusals)
        {
            answers.Add((await Assert.ThrowsAsync<RpcException>(refusal)).Status);
        }

        Assert.All(answers, a => Assert.Equal(new Status(StatusCode.NotFound, CaseApi.NoTicketsMatch), a));
    }

    [Fact]
    public async Task Wrong_codes_lock_the_phone_without_extending_it_and_staff_lift_the_lock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        await using var engine = await StartAsync(clock);
        await TwoTicketsAsync(engine);
        using var events = Subscribe(engine, null);
        await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var code = (await CodesAsync(events, 1))[0].Code;
        var wrong = code == "000000" ? "000001" : "000000";
        for (var i = 0; i < 5; i++)
        {
            await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(ByCode(wrong)).ResponseAsync);
        }

        // Locked: the right code is refused, and no code is sent while the lock holds.
        await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(ByCode(code)).ResponseAsync);
        clock.Advance(TimeSpan.FromMinutes(2));
        await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        Assert.Equal(1, CodesIssued(engine));
        Assert.Equal(1, TicketLifecycleTests.CountRows(engine, "audit_log", "action = 'lookup.code_locked' AND target = 'phone=138****0001'"));

        var lifted = await engine.Cases.LiftLookupLockoutAsync(new V1.LiftLookupLockoutRequest { Phone = Requests.FakePhone, Reason = "当事人来电，已核实身份" });
        Assert.True(lifted.WasLocked);
        Assert.Equal(5, lifted.Failures);
        Assert.Equal(1, lifted.RefusedWhileLocked);
        await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var fresh = (await CodesAsync(events, 1))[0].Code;
        Assert.Equal(2, (await engine.Cases.LookupMyTicketsAsync(ByCode(fresh))).Tickets.Count);
    }

    [Fact]
    public async Task A_code_lock_ends_when_it_was_set_to_whatever_is_tried_meanwhile()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        await using var engine = await StartAsync(clock);
        await TwoTicketsAsync(engine);
        for (var i = 0; i < 5; i++)
        {
            await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(ByCode("00000" + i)).ResponseAsync);
        }

        clock.Advance(TimeSpan.FromMinutes(14));
        await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(ByCode("999999")).ResponseAsync);
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var events = Subscribe(engine, null);
        await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var code = (await CodesAsync(events, 1))[0].Code;

        Assert.Equal(2, (await engine.Cases.LookupMyTicketsAsync(ByCode(code))).Tickets.Count);
    }

    [Fact]
    public async Task Asking_for_a_code_answers_the_same_for_a_phone_with_tickets_and_one_without_and_texts_a_phone_once_a_minute()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        await TwoTicketsAsync(engine);

        var known = await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var unknown = await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = OtherPhone });
        var again = await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });

        Assert.Equal(known, unknown);
        Assert.Equal(known, again);
        Assert.Equal(2, CodesIssued(engine));
    }

    [Fact]
    public async Task The_code_event_masks_the_phone_and_hides_the_code_for_keys_without_the_personal_data_scope()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var admin = engine.AdminKey();
        await new V1.DirectoryService.DirectoryServiceClient(engine.As(admin)).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var adapter = new V1.CaseService.CaseServiceClient(engine.As(await engine.CreateKeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Web } })));
        var sender = await engine.CreateKeyAsync(V1.AccessRole.Subscriber, new V1.AccessScope { PersonalData = true });
        var reader = await engine.CreateKeyAsync(V1.AccessRole.Subscriber);
        using var clear = Subscribe(engine, sender);
        using var masked = Subscribe(engine, reader);

        await adapter.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone, CourtId = Court });

        var forSender = (await CodesAsync(clear, 1))[0];
        var forReader = (await CodesAsync(masked, 1))[0];
        Assert.Equal(Requests.FakePhone, forSender.Phone);
        Assert.Matches("^[0-9]{6}$", forSender.Code);
        Assert.Equal("138****0001", forReader.Phone);
        Assert.Equal("******", forReader.Code);
        Assert.Equal(forSender.ExpiresAt, forReader.ExpiresAt);
    }

    [Fact]
    public async Task A_code_issued_before_a_restart_works_once_after_it()
    {
        using var data = new TempDirectory();
        await using var engine = await EngineInstance.StartAsync(data.Path);
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        await TwoTicketsAsync(engine);
        string code;
        using (var events = Subscribe(engine, null))
        {
            await engine.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
            code = (await CodesAsync(events, 1))[0].Code;
        }

        await engine.RestartAsync();

        Assert.Equal(2, (await engine.Cases.LookupMyTicketsAsync(ByCode(code))).Tickets.Count);
        await AssertRefusedAsync(() => engine.Cases.LookupMyTicketsAsync(ByCode(code)).ResponseAsync);
    }

    [Fact]
    public async Task Bad_input_names_the_field()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var cases = engine.Cases;

        await RpcAssert.InvalidFieldAsync("phone", async () => await cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = "12345" }));
        await RpcAssert.InvalidFieldAsync("case_number", async () => await cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone, CaseNumber = "2025-1" }));
        await RpcAssert.InvalidFieldAsync("phone", async () => await cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest { Code = "123456" }));
        await RpcAssert.InvalidFieldAsync("proof", async () => await cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest { Phone = Requests.FakePhone }));
        await RpcAssert.InvalidFieldAsync("code", async () => await cases.LookupMyTicketsAsync(ByCode(new string('1', CaseApi.MaxCodeLength + 1))));
        await RpcAssert.InvalidFieldAsync("case_password.service_password", async () => await cases.LookupMyTicketsAsync(ByPassword(SharedEngine.NewCaseNumber(), password: string.Empty)));
        await RpcAssert.InvalidFieldAsync("case_password.case_number", async () => await cases.LookupMyTicketsAsync(ByPassword("case 1")));
        await RpcAssert.InvalidFieldAsync("page_size", async () => await cases.LookupMyTicketsAsync(ByCode("123456", pageSize: CaseApi.MyTicketsMaxPageSize + 1)));
        await RpcAssert.InvalidFieldAsync("page_token", async () => await cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest { Phone = Requests.FakePhone, PageToken = "not-a-token" }));
    }

    /// <summary>A case at <see cref="Court"/> with a presiding judge, and two tickets of the party's phone on it.</summary>
    internal static async Task<(string CaseNumber, V1.Ticket First, V1.Ticket Second)> TwoTicketsAsync(EngineInstance engine)
    {
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        var first = (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        var complaint = Requests.ContactJudge(caseNumber);
        complaint.Kind = V1.TicketKind.Suggestion;
        complaint.SubKind = V1.TicketSubKind.SuggestionOpinion;
        var second = (await engine.Intake.SubmitTicketAsync(complaint)).Ticket;
        return (caseNumber, first, second);
    }

    internal static V1.LookupMyTicketsRequest ByCode(string code, string phone = Requests.FakePhone, int pageSize = 0) =>
        new() { Phone = phone, Code = code, PageSize = pageSize };

    private static V1.LookupMyTicketsRequest ByPassword(string caseNumber, int pageSize = 0, string pageToken = "", string password = Password, string phone = Requests.FakePhone) =>
        new() { Phone = phone, CasePassword = new V1.CasePasswordProof { CaseNumber = caseNumber, ServicePassword = password }, PageSize = pageSize, PageToken = pageToken };

    private static V1.SubmitTicketRequest WithPhone(V1.SubmitTicketRequest request, string phone)
    {
        request.Caller.Phone = phone;
        return request;
    }

    private static Task<EngineInstance> StartAsync(FakeTimeProvider clock, params string[] args) => StartWithDirectoryAsync(
        EngineInstance.StartWithServicesAsync(services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock), args));

    private static async Task<EngineInstance> StartWithDirectoryAsync(Task<EngineInstance> starting)
    {
        var engine = await starting;
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        return engine;
    }

    internal static AsyncServerStreamingCall<V1.SubscribeResponse> Subscribe(EngineInstance engine, string? key) =>
        new V1.EventService.EventServiceClient(engine.As(key)).Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { EventTypes = { "caller.code_issued" } } });

    /// <summary>The next <paramref name="count"/> codes the stream sends.</summary>
    internal static async Task<List<V1.CallerCodeIssued>> CodesAsync(AsyncServerStreamingCall<V1.SubscribeResponse> call, int count) =>
        [.. (await EventStreams.ReadEventsAsync(call, e => e.Count >= count)).Select(e => e.Payload.Unpack<V1.CallerCodeIssued>())];

    private static long CodesIssued(EngineInstance engine) => TicketLifecycleTests.CountRows(engine, "events", "event_type = 'caller.code_issued'");

    internal static async Task AssertRefusedAsync(Func<Task> call) =>
        Assert.Equal(CaseApi.NoTicketsMatch, (await RpcAssert.StatusAsync(StatusCode.NotFound, call)).Status.Detail);
}
