using Engine.ProtoMapping;
using Engine.Contracts.Grains;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

[BindServiceMethod(typeof(StrictParsing<V1.IntakeService.IntakeServiceBase>), nameof(StrictParsing<V1.IntakeService.IntakeServiceBase>.BindService))]
public sealed class IntakeApi(IClusterClient grains) : V1.IntakeService.IntakeServiceBase
{
    public const int MaxBatch = 500;

    public override async Task<V1.SubmitTicketResponse> SubmitTicket(V1.SubmitTicketRequest request, ServerCallContext context)
    {
        var ticket = SubmitValidation.Validate(request);
        Security.Scopes.RequireChannel(context, ticket.Channel, "channel");
        var result = await grains.GetGrain<IIntakeGrain>(0).SubmitAsync(ticket);
        return new V1.SubmitTicketResponse { Ticket = Mapping.ToProto(result.Ticket), Deduplicated = result.Deduplicated };
    }

    public override async Task<V1.SubmitTicketsResponse> SubmitTickets(V1.SubmitTicketsRequest request, ServerCallContext context)
    {
        if (request.Tickets.Count > MaxBatch)
        {
            Errors.ThrowInvalid("tickets", $"at most {MaxBatch} tickets per call");
        }

        var results = await Task.WhenAll(request.Tickets.Select(async (one, i) =>
        {
            try
            {
                return new V1.SubmitTicketResult { Response = await SubmitTicket(one, context) };
            }
            catch (Exception ex) when (ErrorInterceptor.Translate(ex) is { } rpc && rpc.StatusCode != StatusCode.Internal)
            {
                return new V1.SubmitTicketResult { ErrorCode = (int)rpc.StatusCode, ErrorMessage = $"tickets[{i}]: {rpc.Status.Detail}" };
            }
        }));
        var response = new V1.SubmitTicketsResponse();
        response.Results.AddRange(results);
        return response;
    }
}
