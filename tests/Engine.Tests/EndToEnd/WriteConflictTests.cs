using Engine.Storage.Tickets;
using Engine.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Issue "Hardening", point 6: a write that loses a version check is answered ABORTED (safe to send again),
/// and the ticket's activation lets its stale copy go, so the call sent again succeeds.</summary>
public sealed class WriteConflictTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    private const string Court = "sh-pudong";
    private readonly EngineInstance _engine = shared.Instance;

    [Fact]
    public async Task A_command_that_loses_a_version_check_is_aborted_and_the_same_command_again_succeeds()
    {
        var ticket = await OpenTicketAsync();
        var judge = ticket.Assignee.Id;
        await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId });
        await WriteBehindTheGrainsBackAsync(ticket.TicketId);

        var aborted = await RpcAssert.StatusAsync(StatusCode.Aborted, async () =>
            await _engine.Tickets.AcceptAsync(new V1.AcceptRequest { TicketId = ticket.TicketId, Actor = judge }));
        var accepted = (await _engine.Tickets.AcceptAsync(new V1.AcceptRequest { TicketId = ticket.TicketId, Actor = judge })).Ticket;

        Assert.Contains(ticket.TicketId, aborted.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("send the call again", aborted.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(V1.TicketState.Accepted, accepted.State);
        Assert.Equal(3, accepted.Version);
    }

    [Fact]
    public async Task A_ticket_read_after_a_lost_version_check_shows_what_is_stored()
    {
        var ticket = await OpenTicketAsync();
        await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId });
        await WriteBehindTheGrainsBackAsync(ticket.TicketId);
        await RpcAssert.StatusAsync(StatusCode.Aborted, async () =>
            await _engine.Tickets.AcceptAsync(new V1.AcceptRequest { TicketId = ticket.TicketId, Actor = ticket.Assignee.Id }));

        var read = (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket;

        Assert.Equal(2, read.Version);
    }

    /// <summary>What another activation of the ticket (during a membership change) or a commit whose answer was lost
    /// leaves behind: the stored ticket one version ahead of the copy the grain holds.</summary>
    private async Task WriteBehindTheGrainsBackAsync(string ticketId)
    {
        var store = _engine.Services.GetRequiredService<ITicketStore>();
        var stored = store.Load(ticketId);
        Assert.NotNull(stored);
        await store.UpdateAsync(stored with { Version = stored.Version + 1, UpdatedAt = stored.UpdatedAt.AddSeconds(1) }, stored.Version, []);
    }

    private async Task<V1.Ticket> OpenTicketAsync()
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        var judge = SampleDirectory.JudgeId(Court, "civil-1", 1);
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", judge));
        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        Assert.Equal(V1.TicketState.Dispatched, ticket.State);
        return ticket;
    }
}
