using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Domain;
using Engine.Grains.Intake;
using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Issue "Hardening", point 8: a second submission with an idempotency key already used is a retry only when it says
/// what the first said (every field its caller controls); one that says something else is refused ALREADY_EXISTS
/// naming the key and the ticket, instead of being answered with the first ticket as if its content had been taken.
/// The answer to a retry does not change as the ticket moves on.
/// </summary>
public sealed class IdempotencyKeyTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    private const string Court = "sh-xuhui";
    private readonly EngineInstance _engine = shared.Instance;

    [Fact]
    public async Task A_retry_gets_the_first_ticket_and_other_content_under_the_same_key_is_refused_naming_key_and_ticket()
    {
        var first = Requests.ContactJudge(await CaseAsync());
        var made = (await _engine.Intake.SubmitTicketAsync(first)).Ticket;

        var retry = await _engine.Intake.SubmitTicketAsync(first.Clone());
        var changed = first.Clone();
        changed.Content = "请问开庭时间？";
        var refused = await RpcAssert.StatusAsync(StatusCode.AlreadyExists, async () => await _engine.Intake.SubmitTicketAsync(changed));

        Assert.True(retry.Deduplicated);
        Assert.Equal(made.TicketId, retry.Ticket.TicketId);
        Assert.Contains($"idempotency_key '{first.IdempotencyKey}'", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"ticket {made.TicketId}", refused.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("开庭", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(made.Content, (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = made.TicketId })).Ticket.Content);
    }

    [Theory]
    [InlineData("kind")]
    [InlineData("court_id")]
    [InlineData("case_number")]
    [InlineData("caller.name")]
    [InlineData("caller.phone")]
    [InlineData("caller.role")]
    [InlineData("priority")]
    [InlineData("attachments")]
    public async Task Each_field_the_caller_controls_counts_as_content(string field)
    {
        var first = Requests.ContactJudge(await CaseAsync());
        first.CourtId = Court;
        await _engine.Intake.SubmitTicketAsync(first);
        var changed = first.Clone();
        switch (field)
        {
            case "kind": (changed.Kind, changed.SubKind) = (V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure); break;
            case "court_id": changed.CourtId = "sh-jingan"; break;
            case "case_number": changed.CaseNumber = await CaseAsync(); break;
            case "caller.name": changed.Caller.Name = "另一位当事人"; break;
            case "caller.phone": changed.Caller.Phone = "13800000077"; break;
            case "caller.role": changed.Caller.Role = V1.CallerRole.Agent; break;
            case "priority": changed.Priority = V1.Priority.Urgent; break;
            case "attachments": changed.Attachments.Add("file-1"); break;
        }

        await RpcAssert.StatusAsync(StatusCode.AlreadyExists, async () => await _engine.Intake.SubmitTicketAsync(changed));
    }

    [Fact]
    public async Task A_retry_written_differently_but_meaning_the_same_is_still_a_retry_after_the_ticket_moved_on()
    {
        // No court: the case routes it, and the ticket then holds a court the submission never named.
        var first = Requests.ContactJudge(await CaseAsync());
        var made = (await _engine.Intake.SubmitTicketAsync(first)).Ticket;
        await _engine.Tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = made.TicketId, Actor = made.Assignee.Id, Reason = "转办",
            To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = SampleDirectory.JudgeId("sh-jingan", "civil-1", 1), CourtId = "sh-jingan" },
        });
        await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = made.TicketId, Actor = SampleDirectory.JudgeId("sh-jingan", "civil-1", 1), Reply = "已答复" });

        var retry = first.Clone();
        retry.Caller.Phone = "+86 138-0000-0001";
        var answer = await _engine.Intake.SubmitTicketAsync(retry);
        var changed = first.Clone();
        changed.Content += "？";

        Assert.True(answer.Deduplicated);
        Assert.Equal((made.TicketId, V1.TicketState.Replied, "sh-jingan"), (answer.Ticket.TicketId, answer.Ticket.State, answer.Ticket.CourtId));
        await RpcAssert.StatusAsync(StatusCode.AlreadyExists, async () => await _engine.Intake.SubmitTicketAsync(changed));
    }

    [Fact]
    public async Task A_submission_merged_into_an_open_ticket_keeps_its_key_the_same_way()
    {
        var caseNumber = await CaseAsync();
        var open = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        var duplicate = Requests.ContactJudge(caseNumber);
        duplicate.Content = "再次询问进展";
        var merged = (await _engine.Intake.SubmitTicketAsync(duplicate)).Ticket;
        Assert.Equal(open.TicketId, merged.MergedInto);

        var retry = await _engine.Intake.SubmitTicketAsync(duplicate.Clone());
        var changed = duplicate.Clone();
        changed.Content = "第三次询问";
        var refused = await RpcAssert.StatusAsync(StatusCode.AlreadyExists, async () => await _engine.Intake.SubmitTicketAsync(changed));

        Assert.Equal((merged.TicketId, true), (retry.Ticket.TicketId, retry.Deduplicated));
        Assert.Contains($"ticket {merged.TicketId}", refused.Status.Detail, StringComparison.Ordinal);
        var stillOpen = (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = open.TicketId })).Ticket;
        Assert.Equal([merged.TicketId], stillOpen.MergedTicketIds);
    }

    [Fact]
    public async Task In_a_batch_the_reused_key_is_refused_alone_and_a_retry_in_it_gets_its_ticket()
    {
        var first = Requests.ContactJudge(await CaseAsync());
        var made = (await _engine.Intake.SubmitTicketAsync(first)).Ticket;
        var changed = first.Clone();
        changed.Content = "另一件事";
        var fresh = Requests.ContactJudge(await CaseAsync());

        var results = (await _engine.Intake.SubmitTicketsAsync(new V1.SubmitTicketsRequest { Tickets = { first.Clone(), changed, fresh } })).Results;

        Assert.Equal((made.TicketId, true), (results[0].Response.Ticket.TicketId, results[0].Response.Deduplicated));
        Assert.Equal((int)StatusCode.AlreadyExists, results[1].ErrorCode);
        Assert.StartsWith("tickets[1]: idempotency_key", results[1].ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(made.TicketId, results[1].ErrorMessage, StringComparison.Ordinal);
        Assert.False(results[2].Response.Deduplicated);
    }

    [Fact]
    public void The_digest_of_a_submission_never_changes_from_build_to_build()
    {
        // Stored with every ticket: a change here would refuse every retry of a ticket made by an earlier build. (The
        // value was computed apart from the engine, from the encoding SubmissionDigest describes.)
        var submission = new NewTicket("k-1", Channel.Hotline, TicketKind.ContactJudge, TicketSubKind.ContactProgressInquiry, null, "(2025)沪0115民初1号",
            new CallerInfo("测试", "13800000001", CallerRole.Party), "请问案件进展如何？", Priority.Normal, ImmutableArray.Create("a", "b"));

        Assert.Equal("s1:5822d49a6dcac977d8ff30a8a72b522ea425a7c3a3dab32a4fb4a9673fe97afb", SubmissionDigest.Of(submission));
        Assert.Equal(SubmissionDigest.Of(submission), SubmissionDigest.Of(submission with { IdempotencyKey = "another key" }));
        Assert.NotEqual(SubmissionDigest.Of(submission), SubmissionDigest.Of(submission with { CourtId = string.Empty }));
        Assert.NotEqual(SubmissionDigest.Of(submission), SubmissionDigest.Of(submission with { Attachments = ["ab"] }));
    }

    private async Task<string> CaseAsync()
    {
        var caseNumber = SharedEngine.NewCaseNumber("沪0104");
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        return caseNumber;
    }
}
