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
        if (request.KnowledgeSearchId.Length > 0 && !IsSearchId(request.KnowledgeSearchId))
        {
            Errors.ThrowInvalid("knowledge_search_id", "is not a search id given by KnowledgeService.PublicSearch");
        }

        var result = await grains.GetGrain<IIntakeGrain>(0).SubmitAsync(ticket);
        var response = new V1.SubmitTicketResponse { Ticket = Mapping.ToProto(result.Ticket), Deduplicated = result.Deduplicated };
        if (!result.Deduplicated)
        {
            var knowledge = grains.GetGrain<IKnowledgeGrain>(0);
            if (request.KnowledgeSearchId.Length > 0)
            {
                await knowledge.AttachTicketAsync(request.KnowledgeSearchId, result.Ticket.TicketId);
            }

            if (result.Ticket.Kind is Domain.TicketKind.Consultation or Domain.TicketKind.CaseInquiry)
            {
                var suggested = await knowledge.SuggestOnSubmitAsync(result.Ticket.Content, result.Ticket.CourtId, result.Ticket.Kind);
                response.Suggestions.AddRange(suggested.Select(h => new V1.KnowledgeHit { Entry = KnowledgeMapping.ToProto(h.Entry), Score = h.Score, Good = h.Good }));
            }
        }

        return response;
    }

    /// <summary>"ks-" and 32 hexadecimal digits, as PublicSearch makes them.</summary>
    private static bool IsSearchId(string id) => id.Length == 35 && id.StartsWith("ks-", StringComparison.Ordinal) && id[3..].All(char.IsAsciiHexDigitLower);

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
