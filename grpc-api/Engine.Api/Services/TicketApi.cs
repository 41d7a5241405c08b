using Microsoft.Extensions.DependencyInjection;
using Engine.ProtoMapping;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Api.Security;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>Ticket handling: reads, lists, every command of the lifecycle, and the clock commands. Tickets are answered
/// with the time left on their reply clock as of the answer.</summary>
[BindServiceMethod(typeof(StrictParsing<V1.TicketService.TicketServiceBase>), nameof(StrictParsing<V1.TicketService.TicketServiceBase>.BindService))]
public sealed class TicketApi(IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time) : V1.TicketService.TicketServiceBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const int MaxReplyBytes = 8 * 1024;
    public const int MaxReasonLength = 2048;
    public const int MaxRaterLength = 128;

    /// <summary>How far a reply's delivered_at may be ahead of the engine's clock (clocks of adapters drift).</summary>
    public static readonly TimeSpan DeliveredAtSkew = TimeSpan.FromMinutes(5);

    public override async Task<V1.GetTicketResponse> GetTicket(V1.GetTicketRequest request, ServerCallContext context)
    {
        var ticketId = RequireTicketId(request.TicketId);
        var ticket = await Scopes.OnTicketAsync(context, command: false, () => grains.GetGrain<ITicketGrain>(ticketId).GetAsync())
            ?? throw Errors.NotFound($"ticket {ticketId} does not exist");
        return new V1.GetTicketResponse { Ticket = Mapping.ToProto(ticket, time.GetUtcNow()) };
    }

    public override Task<V1.ListTicketsResponse> ListTickets(V1.ListTicketsRequest request, ServerCallContext context) =>
        ListAsync(request, context, checkScope: true);

    /// <param name="checkScope">False when the caller checked the scope itself (the tickets of a case it may read).</param>
    internal async Task<V1.ListTicketsResponse> ListAsync(V1.ListTicketsRequest request, ServerCallContext context, bool checkScope)
    {
        var v = new RequestValidator();
        var assignee = request.Assignee;
        if (assignee is not null)
        {
            v.RequireEnum("assignee.type", assignee.Type);
            v.RequireId("assignee.id", assignee.Id);
        }

        v.OptionalId("court_id", request.CourtId);
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
        if (checkScope)
        {
            CheckListScope(context, request);
        }

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
        var now = time.GetUtcNow();
        response.Tickets.AddRange(page.Tickets.Select(t => Mapping.ToProto(t, now)));
        return response;
    }

    public override async Task<V1.TicketResponse> AnswerOnSpot(V1.AnswerOnSpotRequest request, ServerCallContext context)
    {
        var cites = request.KnowledgeEntryId.Length > 0 || request.KnowledgeEntryVersion != 0;
        return await CommandAsync(context, request.TicketId, request.StaffId, "staff_id", v =>
            {
                v.RequireContent("answer", request.Answer, MaxReplyBytes);
                if (cites && !KnowledgeMapping.IsId(request.KnowledgeEntryId))
                {
                    v.Add("knowledge_entry_id", "is required with knowledge_entry_version: the id of a knowledge-base entry");
                }

                if (cites && request.KnowledgeEntryVersion < 1)
                {
                    v.Add("knowledge_entry_version", "is required with knowledge_entry_id: the version of the entry the answer was taken from (1 or more)");
                }
            },
            async t =>
            {
                KnowledgeCitation? citation = null;
                if (cites)
                {
                    if (!await grains.GetGrain<IKnowledgeGrain>(0).VersionExistsAsync(request.KnowledgeEntryId, request.KnowledgeEntryVersion))
                    {
                        throw Errors.NotFound($"knowledge entry {request.KnowledgeEntryId} never had version {request.KnowledgeEntryVersion}");
                    }

                    citation = new KnowledgeCitation(request.KnowledgeEntryId, request.KnowledgeEntryVersion);
                }

                return await t.AnswerOnSpotAsync(request.StaffId, request.Answer, citation);
            });
    }

    public override Task<V1.TicketResponse> Dispatch(V1.DispatchRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.StaffId, "staff_id", v =>
            {
                if (request.Assignee is not null)
                {
                    CheckAssignee(v, "assignee", request.Assignee);
                }

                v.OptionalText("reason", request.Reason, MaxReasonLength, multiline: true);
            },
            t => t.DispatchAsync(request.StaffId, request.Assignee is null ? null : ToAssignee(request.Assignee), Mapping.NullIfEmpty(request.Reason)));

    public override Task<V1.TicketResponse> Accept(V1.AcceptRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", _ => { }, t => t.AcceptAsync(request.Actor));

    public override Task<V1.TicketResponse> Reply(V1.ReplyRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v =>
            {
                v.RequireContent("reply", request.Reply, MaxReplyBytes);
                v.OptionalEnum("delivery", request.Delivery);
                if (request.DeliveredAt is { } at)
                {
                    v.RequireTime("delivered_at", at);
                    if (RequestValidator.IsReasonable(at) && at.ToDateTimeOffset() > time.GetUtcNow() + DeliveredAtSkew)
                    {
                        v.Add("delivered_at", "is in the future: give the time the reply reached the caller, or leave it unset (now)");
                    }
                }
            },
            t => t.ReplyAsync(request.Actor, request.Reply, (ReplyDelivery)request.Delivery, request.DeliveredAt?.ToDateTimeOffset()));

    public override Task<V1.TicketResponse> Rate(V1.RateRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v =>
            {
                v.RequireEnum("source", request.Source);
                v.RequireText("rater", request.Rater, MaxRaterLength);
                v.RequireEnum("service_satisfaction", request.ServiceSatisfaction);
                v.RequireEnum("result_satisfaction", request.ResultSatisfaction);
                v.OptionalText("comment", request.Comment, MaxReasonLength, multiline: true);
                v.OptionalId("window_id", request.WindowId);
            },
            t => t.RateAsync(request.Actor, (RatingSource)request.Source, request.Rater, (Satisfaction)request.ServiceSatisfaction, (Satisfaction)request.ResultSatisfaction,
                Mapping.NullIfEmpty(request.Comment), Mapping.NullIfEmpty(request.WindowId)));

    public override Task<V1.TicketResponse> RecordFilingDecision(V1.RecordFilingDecisionRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v =>
            {
                v.RequireEnum("outcome", request.Outcome);
                if (request.Outcome is V1.FilingOutcome.Refused or V1.FilingOutcome.MaterialRequested)
                {
                    v.RequireText("reason", request.Reason, MaxReasonLength);
                }
                else
                {
                    v.OptionalText("reason", request.Reason, MaxReasonLength, multiline: true);
                }

                if (request.CaseNumber.Length > 0 && !CaseNumber.IsValid(request.CaseNumber))
                {
                    v.Add("case_number", "is not a case number of the form (2019)沪0115民初12345号");
                }
                else if (request.CaseNumber.Length > 0 && request.Outcome != V1.FilingOutcome.Registered)
                {
                    v.Add("case_number", "is given only with outcome REGISTERED");
                }
            },
            t => t.RecordFilingDecisionAsync(request.Actor, (FilingOutcome)request.Outcome, Mapping.NullIfEmpty(request.Reason),
                request.CaseNumber.Length > 0 ? CaseNumber.Normalize(request.CaseNumber) : null));

    public override Task<V1.TicketResponse> Transfer(V1.TransferRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v =>
            {
                if (request.To is null)
                {
                    v.Add("to", "is required");
                }
                else
                {
                    CheckAssignee(v, "to", request.To);
                }

                v.RequireText("reason", request.Reason, MaxReasonLength);
            },
            t => t.TransferAsync(request.Actor, ToAssignee(request.To), request.Reason));

    public override Task<V1.TicketResponse> ReturnToPlatform(V1.ReturnToPlatformRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v => v.RequireText("reason", request.Reason, MaxReasonLength),
            t => t.ReturnToPlatformAsync(request.Actor, request.Reason));

    public override Task<V1.TicketResponse> Close(V1.CloseRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v => v.OptionalText("note", request.Note, MaxReasonLength, multiline: true),
            t => t.CloseAsync(request.Actor, Mapping.NullIfEmpty(request.Note)));

    public override Task<V1.TicketResponse> Reopen(V1.ReopenRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v => v.RequireText("reason", request.Reason, MaxReasonLength),
            t => t.ReopenAsync(request.Actor, request.Reason));

    public override Task<V1.TicketResponse> Cancel(V1.CancelRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v => v.RequireText("reason", request.Reason, MaxReasonLength),
            t => t.CancelAsync(request.Actor, request.Reason));

    public override Task<V1.TicketResponse> RecordCallback(V1.RecordCallbackRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v =>
            {
                v.RequireEnum("service_satisfaction", request.ServiceSatisfaction);
                v.RequireEnum("result_satisfaction", request.ResultSatisfaction);
                v.OptionalText("note", request.Note, MaxReasonLength, multiline: true);
            },
            t => t.RecordCallbackAsync(request.Actor, (Satisfaction)request.ServiceSatisfaction, (Satisfaction)request.ResultSatisfaction, Mapping.NullIfEmpty(request.Note)));

    public override Task<V1.TicketResponse> PauseClock(V1.PauseClockRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v => v.RequireText("reason", request.Reason, MaxReasonLength),
            t => t.PauseClockAsync(request.Actor, request.Reason));

    public override Task<V1.TicketResponse> ResumeClock(V1.ResumeClockRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", _ => { }, t => t.ResumeClockAsync(request.Actor, null));

    public override Task<V1.TicketResponse> ExtendDeadline(V1.ExtendDeadlineRequest request, ServerCallContext context) =>
        CommandAsync(context, request.TicketId, request.Actor, "actor", v =>
            {
                v.RequireId("approver", request.Approver);
                v.RequireText("reason", request.Reason, MaxReasonLength);
                v.RequireTime("new_reply_deadline", request.NewReplyDeadline);
            },
            t => t.ExtendDeadlineAsync(request.Actor, request.Approver, request.Reason, request.NewReplyDeadline.ToDateTimeOffset()));

    /// <summary>Validates the ticket id, the actor and the command's own fields, then runs the command on the ticket.</summary>
    /// <remarks>The caller's scope goes with the call: the ticket grain checks it against the ticket before running the
    /// command, and a judge acts only under their own id.</remarks>
    private async Task<V1.TicketResponse> CommandAsync(
        ServerCallContext context, string ticketId, string actor, string actorField, Action<RequestValidator> check, Func<ITicketGrain, Task<TicketRecord>> command)
    {
        var v = new RequestValidator();
        CheckTicketId(v, ticketId);
        v.RequireId(actorField, actor);
        check(v);
        v.ThrowIfInvalid();
        Scopes.RequireActor(context, actor, actorField);
        var ticket = await Scopes.OnTicketAsync(context, command: true, () => command(grains.GetGrain<ITicketGrain>(ticketId)));
        return new V1.TicketResponse { Ticket = Mapping.ToProto(ticket, time.GetUtcNow()) };
    }

    /// <summary>A judge lists only their own tickets; a key limited to courts names one of its courts; other filters
    /// of the query narrow further.</summary>
    private static void CheckListScope(ServerCallContext context, V1.ListTicketsRequest request)
    {
        var caller = Principal.Of(context);
        if (caller.Role == AccessRole.Judge
            && (request.Assignee is not { Type: V1.AssigneeType.Judge } a || !string.Equals(a.Id, caller.Scope.JudgeId, StringComparison.Ordinal)))
        {
            throw Scopes.Denied("assignee", "a judge's key lists only that judge's tickets (assignee type JUDGE, id the judge's)");
        }

        if (Scopes.Limited(caller.Scope) && !caller.Scope.CourtIds.Contains(AccessScope.AllCourts))
        {
            Scopes.RequireCourt(context, request.CourtId, "court_id");
        }
    }

    private static void CheckAssignee(RequestValidator v, string field, V1.Assignee assignee)
    {
        v.RequireEnum(field + ".type", assignee.Type);
        v.RequireId(field + ".id", assignee.Id);
        v.OptionalId(field + ".court_id", assignee.CourtId);
    }

    private static Assignee ToAssignee(V1.Assignee a) => new((AssigneeType)a.Type, a.Id, Mapping.NullIfEmpty(a.CourtId));

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
