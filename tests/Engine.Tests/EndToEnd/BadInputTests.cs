using Engine.Tests.Support;
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

    public sealed class Engine : IAsyncLifetime
    {
        public EngineInstance Instance { get; private set; } = null!;

        public async Task InitializeAsync() => Instance = await EngineInstance.StartWithSampleDirectoryAsync();

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
