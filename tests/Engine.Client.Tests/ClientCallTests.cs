using Engine.Client.Tests.Support;
using Engine.V1;
using Grpc.Core;

namespace Engine.Client.Tests;

/// <summary>The client's typed calls and its retry policy against a real engine (one shared by these tests); failures
/// are injected under the retry loop, where the network would put them.</summary>
[Collection(SharedEngineGroup.Name)]
public sealed class ClientCallTests(SharedEngine engine)
{
    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.ResourceExhausted)]
    [InlineData(StatusCode.Aborted)]
    public async Task A_transient_failure_is_tried_again_with_the_same_request_until_the_engine_answers(StatusCode transient)
    {
        var recorder = new CallRecorder { FailBefore = (method, attempt) => method == "SubmitTicket" && attempt <= 2 ? transient : null };
        using var client = Client(recorder);
        var request = Submissions.Consultation();

        var answer = await client.SubmitTicketAsync(request);

        Assert.False(answer.Deduplicated);
        Assert.Equal(3, recorder.Attempts("SubmitTicket"));
        Assert.All(recorder.Requests("SubmitTicket"), r => Assert.Equal(request.IdempotencyKey, ((SubmitTicketRequest)r).IdempotencyKey));
        Assert.Equal(1, await Submissions.CountWithContentAsync(client, Submissions.Court, request.Content));
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.AlreadyExists)]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unknown)]
    public async Task A_refusal_is_not_tried_again(StatusCode refusal)
    {
        var recorder = new CallRecorder { FailBefore = (_, attempt) => attempt == 1 ? refusal : null };
        using var client = Client(recorder);

        var error = await Assert.ThrowsAsync<EngineCallException>(() => client.GetTicketAsync("T20260101-000001"));

        Assert.Equal(refusal, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.False(error.OutcomeUnknown);
        Assert.Equal(1, recorder.Attempts("GetTicket"));
    }

    [Fact]
    public async Task An_invalid_submission_is_sent_once_and_its_bad_fields_are_named()
    {
        var recorder = new CallRecorder();
        using var client = Client(recorder);
        var request = Submissions.Consultation();
        request.Caller.Phone = "12345";
        request.Content = string.Empty;

        var error = await Assert.ThrowsAsync<EngineCallException>(() => client.SubmitTicketAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(["caller.phone", "content"], error.FieldViolations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Equal(1, recorder.Attempts("SubmitTicket"));
    }

    [Fact]
    public async Task Transient_failures_past_the_last_attempt_end_the_call_saying_how_many_tries_were_made()
    {
        var recorder = new CallRecorder { FailBefore = (_, _) => StatusCode.Unavailable };
        var options = engine.Server.ClientOptions();
        options.Retry.MaxAttempts = 3;
        options.Interceptors.Add(recorder);
        using var client = new EngineClient(options);

        var error = await Assert.ThrowsAsync<EngineCallException>(() => client.SubmitTicketAsync(Submissions.Consultation()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(3, error.Attempts);
        Assert.True(error.OutcomeUnknown);
        Assert.Equal(3, recorder.Attempts("SubmitTicket"));
    }

    [Fact]
    public async Task A_call_whose_token_is_cancelled_between_tries_stops_trying()
    {
        using var cancel = new CancellationTokenSource();
        var recorder = new CallRecorder
        {
            FailBefore = (_, attempt) =>
            {
                if (attempt == 2)
                {
                    cancel.Cancel();
                }

                return StatusCode.Unavailable;
            },
        };
        using var client = Client(recorder);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SubmitTicketAsync(Submissions.Consultation(), cancel.Token));

        Assert.Equal(2, recorder.Attempts("SubmitTicket"));
    }

    [Fact]
    public async Task A_ticket_goes_through_its_life_with_the_typed_calls()
    {
        using var client = Client(new CallRecorder());
        var suffix = Random.Shared.Next(10000, 99999);
        var judge = $"pd-civil1-client-{suffix}";
        var caseNumber = $"(2026)沪0115民初{suffix}号";
        await client.CallAsync("DirectoryService/UpsertJudge", o => client.Directory.UpsertJudgeAsync(new UpsertJudgeRequest
        {
            Judge = new Judge { JudgeId = judge, Name = "测试法官", CourtId = Submissions.Court, DivisionId = "civil-1", Role = JudgeRole.Judge },
        }, o));
        await client.CallAsync("CaseService/UpsertCase", o => client.Cases.UpsertCaseAsync(new UpsertCaseRequest
        {
            Case = new Case
            {
                CaseNumber = caseNumber, CourtId = Submissions.Court, DivisionId = "civil-1", PresidingJudgeId = judge,
                Parties = { new Party { Name = "测试当事人", Role = PartyRole.Plaintiff, Phone = "13800000002" } },
            },
            ServicePassword = "test-password-1",
            Actor = "case-management",
        }, o));

        var contact = Submissions.Consultation();
        (contact.Kind, contact.SubKind, contact.CaseNumber, contact.CourtId) = (TicketKind.ContactJudge, TicketSubKind.ContactProgressInquiry, caseNumber, string.Empty);
        var ticket = (await client.SubmitTicketAsync(contact)).Ticket;
        Assert.Equal(TicketState.Dispatched, ticket.State);
        Assert.Equal(judge, ticket.Assignee.Id);

        var listed = await client.ListTicketsAsync(new ListTicketsRequest { Assignee = new Assignee { Type = AssigneeType.Judge, Id = judge } });
        Assert.Equal(ticket.TicketId, Assert.Single(listed.Tickets).TicketId);
        Assert.Equal(TicketState.Accepted, (await client.AcceptAsync(new AcceptRequest { TicketId = ticket.TicketId, Actor = judge })).State);
        Assert.Equal(TicketState.Replied, (await client.ReplyAsync(new ReplyRequest { TicketId = ticket.TicketId, Actor = judge, Reply = "已排期" })).State);
        Assert.Equal(TicketState.Closed, (await client.CloseAsync(new CloseRequest { TicketId = ticket.TicketId, Actor = "staff-01" })).State);
        Assert.Equal(TicketState.Closed, (await client.GetTicketAsync(ticket.TicketId)).State);

        var second = Submissions.Consultation();
        (second.Kind, second.SubKind, second.CaseNumber, second.CourtId) = (TicketKind.ContactJudge, TicketSubKind.ContactOther, caseNumber, string.Empty);
        var other = (await client.SubmitTicketAsync(second)).Ticket;
        var moved = await client.TransferAsync(new TransferRequest
        {
            TicketId = other.TicketId, Actor = judge, Reason = "转办", To = new Assignee { Type = AssigneeType.Division, Id = "civil-2" },
        });
        Assert.Equal("civil-2", moved.Assignee.Id);

        // By kind: a closed ticket may be sampled for a callback, which carries the same case number.
        var both = await client.ListAllTicketsAsync(new ListTicketsRequest { CaseNumber = caseNumber, Kind = TicketKind.ContactJudge, PageSize = 1 }).Select(t => t.TicketId).ToListAsync();
        Assert.Equal([ticket.TicketId, other.TicketId], both.Order(StringComparer.Ordinal));

        var found = await client.LookupCaseAsync(new LookupCaseRequest { CaseNumber = caseNumber, Phone = "13800000002", ServicePassword = "test-password-1" }, endUser: "203.0.113.7");
        Assert.Equal(Submissions.Court, found.CourtId);
        Assert.Equal(judge, (await client.GetCaseAsync(caseNumber)).PresidingJudgeId);
    }

    private EngineClient Client(CallRecorder recorder)
    {
        var options = engine.Server.ClientOptions();
        options.Interceptors.Add(recorder);
        return new EngineClient(options);
    }
}
