using System.Buffers.Text;
using System.Text;
using Engine.Api.Security;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.ProtoMapping;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Orleans.Runtime;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>People follow their own requests: a one-time code for the SMS sender, and the caller's tickets by a case's
/// service password or by that code (docs/decisions.md, entry 58). Throttled, locked and answered like LookupCase.</summary>
public sealed partial class CaseApi
{
    public const int MyTicketsDefaultPageSize = 20;
    public const int MyTicketsMaxPageSize = 100;
    public const int MaxCodeLength = 64;

    /// <summary>The one answer to every refused LookupMyTickets.</summary>
    public const string NoTicketsMatch = "no tickets match this phone and proof";

    /// <summary>Answers the same whether or not the phone has tickets, or a code was made.</summary>
    public override async Task<V1.RequestLookupCodeResponse> RequestLookupCode(V1.RequestLookupCodeRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckPhone(v, "phone", request.Phone);
        v.OptionalId("court_id", request.CourtId);
        if (request.CaseNumber.Length > 0)
        {
            CheckCaseNumber(v, "case_number", request.CaseNumber);
        }

        v.ThrowIfInvalid();
        var phone = Phone.Canonical(request.Phone)!;
        var caller = Principal.Of(context);
        // Counted as a look-up (per source and per phone), so that no one floods a phone with texts; costs no failure.
        limits.LookupDidNotFail(limits.TakeLookup(caller, LookupSource(context), caseNumber: null, phone));
        var lifetime = await grains.GetGrain<ICallerLookupGrain>(0).RequestCodeAsync(
            phone, Mapping.NullIfEmpty(request.CourtId), request.CaseNumber.Length > 0 ? CaseNumber.Normalize(request.CaseNumber) : null, caller.Actor);
        return new V1.RequestLookupCodeResponse { CodeLifetime = Duration.FromTimeSpan(lifetime) };
    }

    /// <summary>Every refusal (unknown phone, not a party, wrong password, wrong, expired or used code, a locked phone
    /// or pair) gets the same answer.</summary>
    public override async Task<V1.LookupMyTicketsResponse> LookupMyTickets(V1.LookupMyTicketsRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckPhone(v, "phone", request.Phone);
        var token = request.PageToken.Length > 0 ? MyTicketsToken.Decode(request.PageToken) : null;
        if (request.PageToken.Length > 0 && token is null)
        {
            v.Add("page_token", "is not a page token of LookupMyTickets");
        }

        switch (request.ProofCase)
        {
            case V1.LookupMyTicketsRequest.ProofOneofCase.CasePassword:
                CheckCaseNumber(v, "case_password.case_number", request.CasePassword.CaseNumber);
                v.RequireText("case_password.service_password", request.CasePassword.ServicePassword, MaxPasswordLength);
                if (token is { Secret.Length: > 0 })
                {
                    v.Add("page_token", "was given for a look-up by code");
                }

                break;
            case V1.LookupMyTicketsRequest.ProofOneofCase.Code:
                v.RequireText("code", request.Code, MaxCodeLength);
                if (token is not null)
                {
                    v.Add("page_token", "stands in for the code: send one or the other");
                }

                break;
            default:
                if (token is not { Secret.Length: > 0 })
                {
                    v.Add("proof", "is required: case_password or code (or, for the next page of a look-up by code, its page_token)");
                }

                break;
        }

        if (request.PageSize is < 0 or > MyTicketsMaxPageSize)
        {
            v.Add("page_size", $"must be between 1 and {MyTicketsMaxPageSize} (0 means {MyTicketsDefaultPageSize})");
        }

        v.ThrowIfInvalid();
        var phone = Phone.Canonical(request.Phone)!;
        var pageSize = request.PageSize == 0 ? MyTicketsDefaultPageSize : request.PageSize;
        var caseNumber = request.ProofCase == V1.LookupMyTicketsRequest.ProofOneofCase.CasePassword ? CaseNumber.Normalize(request.CasePassword.CaseNumber) : null;
        var caller = Principal.Of(context);
        var failures = limits.TakeLookup(caller, LookupSource(context), caseNumber, phone);
        RequestContext.Set(LookupCaller.ContextKey, caller.Actor);
        MyTicketsPage? page = null;
        var failed = false;
        try
        {
            var lookups = grains.GetGrain<ICallerLookupGrain>(0);
            page = caseNumber is not null
                ? await lookups.ByCasePasswordAsync(phone, caseNumber, request.CasePassword.ServicePassword, token?.Before, pageSize)
                : await lookups.ByCodeAsync(phone, request.ProofCase == V1.LookupMyTicketsRequest.ProofOneofCase.Code ? request.Code : token!.Secret, token?.Before, pageSize);
            failed = page is null;
        }
        finally
        {
            RequestContext.Remove(LookupCaller.ContextKey);
            if (!failed)
            {
                limits.LookupDidNotFail(failures);
            }
        }

        if (page is null)
        {
            throw Errors.NotFound(NoTicketsMatch);
        }

        var response = new V1.LookupMyTicketsResponse { NextPageToken = page.NextToken is { } next ? MyTicketsToken.Encode(next) : string.Empty };
        response.Tickets.AddRange(page.Tickets.Select(ToProto));
        return response;
    }

    private static V1.MyTicket ToProto(MyTicket t) => new()
    {
        TicketId = t.TicketId,
        Kind = (V1.TicketKind)t.Kind,
        State = (V1.TicketState)t.State,
        CreatedAt = Timestamp.FromDateTimeOffset(t.CreatedAt),
        CourtId = t.CourtId ?? string.Empty,
        CaseNumber = t.CaseNumber ?? string.Empty,
        ReplyDeadline = t.ReplyDeadline is { } due ? Timestamp.FromDateTimeOffset(due) : null,
        Reply = t.Reply ?? string.Empty,
        RepliedAt = t.RepliedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        Delivery = (V1.ReplyDelivery)t.Delivery,
        HandlerRole = t.HandlerRole,
        HandlerName = t.HandlerName ?? string.Empty,
    };

    /// <summary>A page token of LookupMyTickets: the last ticket id of the page and, after a look-up by code, the
    /// secret that stands in for the spent code ("m1|id|secret", base64url). The grain's next token is "id" or
    /// "id.secret".</summary>
    private sealed record MyTicketsToken(string Before, string Secret)
    {
        private const string Version = "m1";

        public static string Encode(string next)
        {
            var dot = next.IndexOf('.', StringComparison.Ordinal);
            var (before, secret) = dot < 0 ? (next, string.Empty) : (next[..dot], next[(dot + 1)..]);
            return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', Version, before, secret)));
        }

        public static MyTicketsToken? Decode(string token)
        {
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
                return parts.Length == 3 && parts[0] == Version && TicketIds.LooksValid(parts[1]) && parts[2].Length <= MaxCodeLength
                    ? new MyTicketsToken(parts[1], parts[2])
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
