using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>Ticket handling. Commands not built yet (answer on the spot, transfer, …) answer UNIMPLEMENTED
/// through the generated base class.</summary>
public sealed class TicketApi(IClusterClient grains) : V1.TicketService.TicketServiceBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const int MaxReplyBytes = 8 * 1024;

    public override async Task<V1.GetTicketResponse> GetTicket(V1.GetTicketRequest request, ServerCallContext context)
    {
        var ticketId = RequireTicketId(request.TicketId);
        var ticket = await grains.GetGrain<ITicketGrain>(ticketId).GetAsync()
            ?? throw Errors.NotFound($"ticket {ticketId} does not exist");
        return new V1.GetTicketResponse { Ticket = Mapping.ToProto(ticket) };
    }

    public override async Task<V1.ListTicketsResponse> ListTickets(V1.ListTicketsRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        var assignee = request.Assignee;
        if (assignee is not null)
        {
            v.RequireEnum("assignee.type", assignee.Type);
            v.RequireText("assignee.id", assignee.Id, SubmitValidation.MaxIdLength);
        }

        v.OptionalText("court_id", request.CourtId, SubmitValidation.MaxIdLength);
        if (request.CaseNumber.Length > 0 && !CaseNumber.IsValid(request.CaseNumber))
        {
            v.Add("case_number", "is not a case number of the form (2019)沪0115民初12345号");
        }

        v.OptionalEnum("state", request.State);
        v.OptionalEnum("kind", request.Kind);
        v.OptionalEnum("order", request.Order);
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            v.Add("page_size", $"must be between 1 and {MaxPageSize} (0 means {DefaultPageSize})");
        }

        if (assignee is null && request.CourtId.Length == 0 && request.CaseNumber.Length == 0
            && request.State == V1.TicketState.Unspecified && request.Kind == V1.TicketKind.Unspecified)
        {
            v.Add("assignee", "at least one filter is required: assignee, court_id, case_number, state or kind");
        }

        v.ThrowIfInvalid();
        var query = new TicketQuery(
            (AssigneeType)(assignee?.Type ?? V1.AssigneeType.Unspecified),
            Mapping.NullIfEmpty(assignee?.Id),
            Mapping.NullIfEmpty(request.CourtId),
            request.CaseNumber.Length > 0 ? CaseNumber.Normalize(request.CaseNumber) : null,
            (TicketState)request.State,
            (TicketKind)request.Kind,
            request.PageSize == 0 ? DefaultPageSize : request.PageSize,
            null,
            request.Order == V1.SortOrder.OldestFirst);
        if (request.PageToken.Length > 0)
        {
            query = query with
            {
                AfterTicketId = PageTokens.Decode(query, request.PageToken)
                    ?? throw Errors.Invalid([("page_token", "is not a token from a previous page of this same query")]),
            };
        }

        var page = await grains.GetGrain<ITicketQueryGrain>(0).ListAsync(query);
        var response = new V1.ListTicketsResponse
        {
            NextPageToken = page.NextAfterTicketId is { } last ? PageTokens.Encode(query, last) : string.Empty,
        };
        response.Tickets.AddRange(page.Tickets.Select(Mapping.ToProto));
        return response;
    }

    public override async Task<V1.TicketResponse> Reply(V1.ReplyRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        var ticketId = CheckTicketId(v, request.TicketId);
        v.RequireText("actor", request.Actor, SubmitValidation.MaxIdLength);
        v.RequireContent("reply", request.Reply, MaxReplyBytes);
        v.ThrowIfInvalid();
        var ticket = await grains.GetGrain<ITicketGrain>(ticketId).ReplyAsync(request.Actor, request.Reply);
        return new V1.TicketResponse { Ticket = Mapping.ToProto(ticket) };
    }

    public override async Task<V1.TicketResponse> Close(V1.CloseRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        var ticketId = CheckTicketId(v, request.TicketId);
        v.RequireText("actor", request.Actor, SubmitValidation.MaxIdLength);
        v.OptionalText("note", request.Note, 2048, multiline: true);
        v.ThrowIfInvalid();
        var ticket = await grains.GetGrain<ITicketGrain>(ticketId).CloseAsync(request.Actor, Mapping.NullIfEmpty(request.Note));
        return new V1.TicketResponse { Ticket = Mapping.ToProto(ticket) };
    }

    private static string RequireTicketId(string ticketId)
    {
        var v = new RequestValidator();
        CheckTicketId(v, ticketId);
        v.ThrowIfInvalid();
        return ticketId;
    }

    private static string CheckTicketId(RequestValidator v, string ticketId)
    {
        if (ticketId.Length == 0)
        {
            v.Add("ticket_id", "is required");
        }
        else if (!TicketIds.LooksValid(ticketId))
        {
            v.Add("ticket_id", "is not a ticket id (T followed by 26 base-32 characters)");
        }

        return ticketId;
    }
}
