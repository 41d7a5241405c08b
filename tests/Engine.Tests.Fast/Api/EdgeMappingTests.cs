using Engine.Api.Services;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Tests.Support;
using NSubstitute;
using V1 = Engine.V1;

namespace Engine.Tests.Api;

/// <summary>The gRPC edge alone: the cluster is substituted, so these check what the services hand to grains and how
/// they map what comes back.</summary>
public sealed class EdgeMappingTests
{
    private readonly IClusterClient _cluster = Substitute.For<IClusterClient>();
    private readonly TestCallContext _context = new();

    [Fact]
    public async Task A_submission_reaches_intake_with_canonical_phone_and_folded_case_number()
    {
        var intake = Substitute.For<IIntakeGrain>();
        _cluster.GetGrain<IIntakeGrain>(0, null).Returns(intake);
        NewTicket? seen = null;
        intake.SubmitAsync(Arg.Do<NewTicket>(t => seen = t)).Returns(c => new SubmitResult(Ticket(c.Arg<NewTicket>()), false));
        var request = Requests.ContactJudge("（2025）沪0115民初１２号", key: "k-7");
        request.Caller.Phone = "+86 138-0000-0001";

        var response = await new IntakeApi(_cluster).SubmitTicket(request, _context);

        Assert.NotNull(seen);
        Assert.Equal("13800000001", seen.Caller.Phone);
        Assert.Equal("(2025)沪0115民初12号", seen.CaseNumber);
        Assert.Equal(Priority.Normal, seen.Priority);
        Assert.Equal(V1.Channel.Hotline, response.Ticket.Channel);
        Assert.Equal("k-7", response.Ticket.IdempotencyKey);
    }

    [Fact]
    public async Task A_bad_submission_never_reaches_the_cluster()
    {
        var request = Requests.ContactJudge("(2025)沪0115民初12号");
        request.Channel = V1.Channel.Unspecified;

        await RpcAssert.InvalidFieldAsync("channel", () => new IntakeApi(_cluster).SubmitTicket(request, _context));

        Assert.Empty(_cluster.ReceivedCalls());
    }

    [Fact]
    public async Task The_next_page_token_continues_after_the_last_ticket_of_the_page()
    {
        var queries = new List<TicketQuery>();
        var grain = Substitute.For<ITicketQueryGrain>();
        _cluster.GetGrain<ITicketQueryGrain>(0, null).Returns(grain);
        grain.ListAsync(Arg.Do<TicketQuery>(queries.Add)).Returns(new TicketPage([], "T01ARZ3NDEKTSV4RRFFQ69G5FAV"), new TicketPage([], null));
        var api = new TicketApi(_cluster, TimeProvider.System);
        var request = new V1.ListTicketsRequest { Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = "j-1" }, PageSize = 2, Order = V1.SortOrder.OldestFirst };

        var first = await api.ListTickets(request, _context);
        request.PageToken = first.NextPageToken;
        var second = await api.ListTickets(request, _context);

        Assert.NotEmpty(first.NextPageToken);
        Assert.Empty(second.NextPageToken);
        Assert.Equal([null, "T01ARZ3NDEKTSV4RRFFQ69G5FAV"], queries.Select(q => q.AfterTicketId));
        Assert.All(queries, q =>
        {
            Assert.Equal(AssigneeType.Judge, q.AssigneeType);
            Assert.Equal("j-1", q.AssigneeId);
            Assert.True(q.OldestFirst);
            Assert.Equal(2, q.PageSize);
        });
    }

    private static TicketRecord Ticket(NewTicket t)
    {
        var now = DateTimeOffset.UnixEpoch;
        return new TicketRecord
        {
            TicketId = "T01ARZ3NDEKTSV4RRFFQ69G5FAV",
            Version = 1,
            IdempotencyKey = t.IdempotencyKey,
            Channel = t.Channel,
            Kind = t.Kind,
            SubKind = t.SubKind,
            CourtId = t.CourtId,
            CaseNumber = t.CaseNumber,
            Caller = t.Caller,
            Content = t.Content,
            State = TicketState.Received,
            Assignee = Assignee.Triage,
            Routing = new RoutingInfo("triage", "test"),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
