using Engine.Api;
using Engine.Api.Services;
using Engine.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

public sealed class BadInputTests : IClassFixture<BadInputTests.Engine>
{
    private readonly EngineInstance _engine;

    public BadInputTests(Engine engine) => _engine = engine.Instance;

    public static TheoryData<string, Action<V1.SubmitTicketRequest>> Submissions => new()
    {
        { "channel", r => r.Channel = V1.Channel.Unspecified },
        { "channel", r => r.Channel = (V1.Channel)99 },
        { "kind", r => r.Kind = V1.TicketKind.Unspecified },
        { "kind", r => r.Kind = (V1.TicketKind)(-3) },
        { "kind", r => r.Kind = V1.TicketKind.Callback },
        { "sub_kind", r => r.SubKind = V1.TicketSubKind.SuggestionComplaint },
        { "sub_kind", r => r.SubKind = (V1.TicketSubKind)150 },
        { "idempotency_key", r => r.IdempotencyKey = string.Empty },
        { "idempotency_key", r => r.IdempotencyKey = new string('k', 129) },
        { "case_number", r => r.CaseNumber = "2025-12345" },
        { "case_number", r => r.CaseNumber = "(1850)沪0115民初1号" },
        { "caller.phone", r => r.Caller.Phone = "12345" },
        { "caller.phone", r => r.Caller.Phone = "1380000000a" },
        { "content", r => r.Content = new string('案', 3000) },
        { "content", r => r.Content = string.Empty },
        { "content", r => r.Content = "bell\u0007" },
        { "court_id", r => r.CourtId = "no-such-court" },
    };

    [Theory]
    [MemberData(nameof(Submissions))]
    public async Task A_bad_submission_names_the_field_and_writes_nothing(string field, Action<V1.SubmitTicketRequest> spoil)
    {
        var request = Requests.ContactJudge("(2025)沪0115民初777号");
        request.CaseNumber = string.Empty;
        request.CourtId = "sh-pudong";
        spoil(request);
        var before = TicketLifecycleTests.CountRows(_engine, "tickets");
        var events = TicketLifecycleTests.CountRows(_engine, "events");

        await RpcAssert.InvalidFieldAsync(field, async () => await _engine.Intake.SubmitTicketAsync(request));

        Assert.Equal(before, TicketLifecycleTests.CountRows(_engine, "tickets"));
        Assert.Equal(before, TicketLifecycleTests.CountRows(_engine, "ticket_idempotency"));
        Assert.Equal(events, TicketLifecycleTests.CountRows(_engine, "events"));
    }

    [Fact]
    public async Task Every_bad_field_is_named_at_once()
    {
        var request = new V1.SubmitTicketRequest { Caller = new V1.Caller { Phone = "x" } };
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _engine.Intake.SubmitTicketAsync(request));
        foreach (var field in new[] { "idempotency_key", "channel", "kind", "content", "caller.phone" })
        {
            RpcAssert.AssertInvalidField(ex, field);
        }
    }

    [Fact]
    public async Task A_malformed_ticket_id_is_invalid_and_a_well_formed_unknown_one_is_not_found()
    {
        await RpcAssert.InvalidFieldAsync("ticket_id", async () => await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = "42" }));
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () =>
            await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = "T01ARZ3NDEKTSV4RRFFQ69G5FA" + "V" }));
    }

    [Fact]
    public async Task Listing_needs_a_filter_a_sane_page_size_and_its_own_page_token()
    {
        await RpcAssert.InvalidFieldAsync("assignee", async () => await _engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest()));
        await RpcAssert.InvalidFieldAsync("page_size", async () =>
            await _engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = "sh-pudong", PageSize = 100_000 }));
        await RpcAssert.InvalidFieldAsync("page_token", async () =>
            await _engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = "sh-pudong", PageToken = "not-a-token" }));
    }

    [Fact]
    public async Task A_case_in_an_unknown_court_or_with_a_bad_number_is_refused()
    {
        await RpcAssert.InvalidFieldAsync("case.court_id", async () =>
            await _engine.Cases.UpsertCaseAsync(Requests.Case("(2025)沪0115民初1号", "nowhere", "civil-1", null)));
        await RpcAssert.InvalidFieldAsync("case.case_number", async () =>
            await _engine.Cases.UpsertCaseAsync(Requests.Case("case 1", "sh-pudong", "civil-1", null)));
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () =>
            await _engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = "(2025)沪0115民初999999号" }));
        await RpcAssert.InvalidFieldAsync("case_number", async () => await _engine.Cases.ListCaseTicketsAsync(new V1.ListCaseTicketsRequest()));

        var crowded = Requests.Case("(2025)沪0115民初2号", "sh-pudong", "civil-1", null);
        crowded.Case.RelatedCases.Add(Enumerable.Range(0, CaseApi.MaxRelatedCases + 1).Select(i => $"(2025)沪0115民初{10000 + i}号"));
        await RpcAssert.InvalidFieldAsync("case.related_cases", async () => await _engine.Cases.UpsertCaseAsync(crowded));
    }

    [Fact]
    public async Task Directory_commands_name_what_is_wrong()
    {
        await RpcAssert.InvalidFieldAsync("judge.role", async () => await _engine.Directory.UpsertJudgeAsync(new V1.UpsertJudgeRequest
        {
            Judge = new V1.Judge { JudgeId = "j-x", Name = "测试", CourtId = "sh-pudong" },
        }));
        await RpcAssert.InvalidFieldAsync("judge.division_id", async () => await _engine.Directory.UpsertJudgeAsync(new V1.UpsertJudgeRequest
        {
            Judge = new V1.Judge { JudgeId = "j-x", Name = "测试", CourtId = "sh-pudong", DivisionId = "no-division", Role = V1.JudgeRole.Judge },
        }));
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await _engine.Directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest
        {
            JudgeId = "nobody",
            Availability = new V1.Availability(),
        }));
        await RpcAssert.InvalidFieldAsync("json", async () => await _engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = "{ not json" }));
    }

    [Fact]
    public async Task A_refused_import_writes_nothing_and_names_the_element()
    {
        static V1.ImportCourt Court(string id) => new() { Id = id, Name = "导入测试法院", Level = V1.CourtLevel.Basic };
        var strayJudge = new V1.ImportJudge
        {
            JudgeId = "import-test/1", Name = "测试", CourtId = "sh-pudong", DivisionId = "no-such-division", Role = V1.JudgeRole.Judge,
        };
        var events = TicketLifecycleTests.CountRows(_engine, "events");

        // The court used to be imported before the person in another court was found wrong.
        await RpcAssert.InvalidFieldAsync("judges[0].division_id", async () => await _engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest
        {
            Courts = { Court("import-test") },
            Judges = { strayJudge },
        }));
        await RpcAssert.InvalidFieldAsync("courts[1].id", async () => await _engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest
        {
            Courts = { Court("import-test"), Court("import-test") },
        }));

        Assert.Equal(events, TicketLifecycleTests.CountRows(_engine, "events"));
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await _engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = "import-test" }));
    }

    [Fact]
    public async Task Ids_that_are_blank_or_hold_braces_are_invalid_not_internal()
    {
        // Orleans' ADO.NET storage formats grain keys with string.Format: a court id with a brace failed every write.
        await RpcAssert.InvalidFieldAsync("court.court_id", async () => await _engine.Directory.UpsertCourtAsync(new V1.UpsertCourtRequest
        {
            Court = new V1.Court { CourtId = "court {0}", Name = "测试法院" },
        }));
        await RpcAssert.InvalidFieldAsync("assignee.court_id", async () => await _engine.Tickets.DispatchAsync(new V1.DispatchRequest
        {
            TicketId = "T01ARZ3NDEKTSV4RRFFQ69G5FAV",
            StaffId = "staff-1",
            Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = SampleDirectory.JudgeId("sh-pudong", "civil-1", 1), CourtId = "   " },
        }));
        await RpcAssert.InvalidFieldAsync("case.court_id", async () => await _engine.Cases.UpsertCaseAsync(
            Requests.Case("(2025)沪0115民初779号", "\u202Esh-pudong", "civil-1", null)));
    }

    [Fact]
    public async Task A_refusal_quotes_a_value_without_its_line_breaks_so_that_the_log_of_it_is_one_line()
    {
        var filter = new V1.EventFilter { EventTypes = { "ticket.received\nFake log line\u0000" } };
        using var call = new V1.EventService.EventServiceClient(_engine.Channel).Subscribe(new V1.SubscribeRequest { Filter = filter });

        var ex = await RpcAssert.InvalidFieldAsync("filter.event_types[0]", async () => await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.StartsWith("filter.event_types[0]: 'ticket.received\uFFFDFake log line\uFFFD' is not an event type", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_with_hundreds_of_bad_elements_gets_an_answer_the_client_can_read()
    {
        // Each violation lists the known event types: a hundred of them made trailers past the client's 64 KiB.
        var filter = new V1.EventFilter { EventTypes = { Enumerable.Range(0, EventApi.MaxFilterValues).Select(i => $"no.such.type.{i}") } };
        using var call = new V1.EventService.EventServiceClient(_engine.Channel).Subscribe(new V1.SubscribeRequest { Filter = filter });
        var ex = await RpcAssert.InvalidFieldAsync("filter.event_types[0]", async () => await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains($"and {EventApi.MaxFilterValues - Errors.MaxListedViolations} more", ex.Status.Detail, StringComparison.Ordinal);

        var stats = new V1.StatsService.StatsServiceClient(_engine.Channel);
        await RpcAssert.InvalidFieldAsync("group_by", async () => await stats.GetStatsAsync(new V1.GetStatsRequest
        {
            GroupBy = { Enumerable.Repeat(V1.StatsGroupBy.Court, 10_000) },
        }));
    }

    [Fact]
    public async Task Bytes_that_are_not_the_request_message_are_invalid_not_unknown()
    {
        var submit = V1.IntakeService.Descriptor.FindMethodByName("SubmitTicket");
        var valid = Requests.ContactJudge("(2025)沪0115民初778号").ToByteArray();
        byte[] badUtf8Content = [0x42, 0x02, 0xC3, 0x28];
        var before = TicketLifecycleTests.CountRows(_engine, "tickets");

        foreach (var payload in new[] { valid[..^1], [.. valid, .. badUtf8Content], [0x00] })
        {
            var answer = await RawCalls.CallAsync(_engine.Channel.CreateCallInvoker(), submit, payload, TimeSpan.FromSeconds(30));
            RpcAssert.AssertInvalidField(Assert.IsType<RpcException>(answer.Error), "request");
        }

        Assert.Equal(before, TicketLifecycleTests.CountRows(_engine, "tickets"));
    }

    public sealed class Engine : IAsyncLifetime
    {
        public EngineInstance Instance { get; private set; } = null!;

        public async Task InitializeAsync() => Instance = await EngineInstance.StartWithSampleDirectoryAsync();

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
