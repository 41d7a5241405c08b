using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>The routing rules of DESIGN.md §3 as callers see them, on the sample directory.</summary>
public sealed class RoutingTests : IClassFixture<RoutingTests.Engine>
{
    private const string Court = "sh-xuhui";
    private readonly EngineInstance _engine;

    public RoutingTests(Engine engine) => _engine = engine.Instance;

    [Fact]
    public async Task A_judge_on_leave_hands_new_tickets_to_the_delegate()
    {
        var judge = SampleDirectory.JudgeId(Court, "commercial", 1);
        var delegateJudge = SampleDirectory.JudgeId(Court, "commercial", 2);
        await _engine.Cases.UpsertCaseAsync(Requests.Case("(2025)沪0104民初501号", Court, "commercial", judge));
        await _engine.Directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest
        {
            JudgeId = judge,
            Availability = OnLeave(delegateJudge),
        });

        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge("(2025)沪0104民初501号"))).Ticket;

        Assert.Equal(delegateJudge, ticket.Assignee.Id);
        Assert.Equal("delegate", ticket.Routing.Rule);
    }

    [Fact]
    public async Task A_judge_on_leave_without_a_delegate_hands_new_tickets_to_the_division_head()
    {
        var judge = SampleDirectory.JudgeId(Court, "criminal", 1);
        await _engine.Cases.UpsertCaseAsync(Requests.Case("(2025)沪0104刑初502号", Court, "criminal", judge));
        await _engine.Directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest { JudgeId = judge, Availability = OnLeave(null) });

        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge("(2025)沪0104刑初502号"))).Ticket;

        Assert.Equal(SampleDirectory.HeadId(Court, "criminal"), ticket.Assignee.Id);
        Assert.Equal("division-head", ticket.Routing.Rule);
    }

    [Fact]
    public async Task A_case_without_a_judge_goes_to_the_filing_division()
    {
        await _engine.Cases.UpsertCaseAsync(Requests.Case("(2025)沪0104民初503号", Court, "civil-2", null));

        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge("(2025)沪0104民初503号"))).Ticket;

        Assert.Equal(SampleDirectory.JudgeId(Court, "filing", 1), ticket.Assignee.Id);
        Assert.Equal("filing-division-no-judge", ticket.Routing.Rule);
        Assert.Equal(V1.TicketState.Dispatched, ticket.State);
    }

    [Fact]
    public async Task A_suggestion_goes_to_the_service_office()
    {
        var request = Submission(V1.TicketKind.Suggestion, V1.TicketSubKind.SuggestionComplaint);

        var ticket = (await _engine.Intake.SubmitTicketAsync(request)).Ticket;

        Assert.Equal(SampleDirectory.JudgeId(Court, "service-office", 1), ticket.Assignee.Id);
        Assert.Equal("service-office", ticket.Routing.Rule);
    }

    [Fact]
    public async Task A_consultation_waits_at_the_sub_platform_to_be_answered_on_the_spot()
    {
        var ticket = (await _engine.Intake.SubmitTicketAsync(Submission(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationExecution))).Ticket;

        Assert.Equal(V1.AssigneeType.PlatformQueue, ticket.Assignee.Type);
        Assert.Equal(Court + "/platform", ticket.Assignee.Id);
        Assert.Equal(V1.TicketState.Received, ticket.State);
        Assert.Equal(V1.TicketMode.Unspecified, ticket.Mode);
    }

    [Fact]
    public async Task A_request_naming_no_court_and_no_case_goes_to_the_triage_queue()
    {
        var request = Submission(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure);
        request.CourtId = string.Empty;

        var ticket = (await _engine.Intake.SubmitTicketAsync(request)).Ticket;

        Assert.Equal(V1.AssigneeType.PlatformQueue, ticket.Assignee.Type);
        Assert.Equal("triage", ticket.Assignee.Id);
        Assert.Equal("triage", ticket.Routing.Rule);
    }

    [Fact]
    public async Task An_online_filing_goes_to_the_filing_division_of_the_court()
    {
        var ticket = (await _engine.Intake.SubmitTicketAsync(Submission(V1.TicketKind.OnlineFiling, V1.TicketSubKind.FilingApplication))).Ticket;

        Assert.Equal(SampleDirectory.JudgeId(Court, "filing", 1), ticket.Assignee.Id);
        Assert.Equal("filing-division", ticket.Routing.Rule);
    }

    [Fact]
    public async Task A_court_override_sends_consultations_to_a_division()
    {
        const string court = "sh-jinshan";
        await _engine.Directory.SetRoutingRulesAsync(new V1.SetRoutingRulesRequest
        {
            CourtId = court,
            Rules =
            {
                new V1.RoutingRule { RuleId = "consult-to-execution", Kind = V1.TicketKind.Consultation, TargetType = V1.AssigneeType.Division, TargetId = "execution" },
            },
        });
        var request = Submission(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationExecution);
        request.CourtId = court;

        var ticket = (await _engine.Intake.SubmitTicketAsync(request)).Ticket;

        Assert.StartsWith(court + "/execution/", ticket.Assignee.Id, StringComparison.Ordinal);
        Assert.Equal("court-override:consult-to-execution", ticket.Routing.Rule);
        var rules = (await _engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = court })).RoutingRules;
        Assert.Equal("consult-to-execution", Assert.Single(rules).RuleId);
    }

    private static V1.SubmitTicketRequest Submission(V1.TicketKind kind, V1.TicketSubKind subKind) => new()
    {
        IdempotencyKey = Guid.NewGuid().ToString("N"),
        Channel = V1.Channel.Web,
        Kind = kind,
        SubKind = subKind,
        CourtId = Court,
        Caller = new V1.Caller { Name = "测试", Phone = Requests.FakePhone, Role = V1.CallerRole.Public },
        Content = "测试内容",
    };

    private static V1.Availability OnLeave(string? delegateJudge) => new()
    {
        LeaveFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
        LeaveTo = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(7)),
        DelegateJudgeId = delegateJudge ?? string.Empty,
    };

    public sealed class Engine : IAsyncLifetime
    {
        public EngineInstance Instance { get; private set; } = null!;

        public async Task InitializeAsync() => Instance = await EngineInstance.StartWithSampleDirectoryAsync();

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
