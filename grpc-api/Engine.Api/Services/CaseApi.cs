using Microsoft.Extensions.DependencyInjection;
using Engine.ProtoMapping;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Api.Security;
using System.Collections.Immutable;
using Grpc.Core;
using Orleans.Runtime;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>What the case-management system pushes, and the parties' password look-up.</summary>
[BindServiceMethod(typeof(StrictParsing<V1.CaseService.CaseServiceBase>), nameof(StrictParsing<V1.CaseService.CaseServiceBase>.BindService))]
public sealed partial class CaseApi(IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, CallLimits limits) : V1.CaseService.CaseServiceBase
{
    public const int MaxParties = 100;
    public const int MaxRelatedCases = 100;
    public const int MaxPasswordLength = 64;
    public const int MaxReasonLength = 1024;

    /// <summary>Nodes in one UpsertCase: a system that sends the whole case each time sends every node it has.</summary>
    public const int MaxNodes = 1000;

    /// <summary>A hearing's place: a court room or an address.</summary>
    public const int MaxHearingPlaceLength = 200;

    public override async Task<V1.UpsertCaseResponse> UpsertCase(V1.UpsertCaseRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        var c = request.Case;
        if (c is null)
        {
            Errors.ThrowInvalid("case", "is required");
        }

        CheckCaseNumber(v, "case.case_number", c.CaseNumber);
        v.RequireId("case.court_id", c.CourtId);
        v.OptionalId("case.division_id", c.DivisionId);
        v.OptionalId("case.presiding_judge_id", c.PresidingJudgeId);
        v.OptionalEnum("case.status", c.Status);
        if (c.Parties.Count > MaxParties)
        {
            v.Add("case.parties", $"more than {MaxParties} parties");
        }

        for (var i = 0; i < c.Parties.Count && i < MaxParties; i++)
        {
            var party = c.Parties[i];
            v.RequireText($"case.parties[{i}].name", party.Name, SubmitValidation.MaxNameLength);
            v.OptionalEnum($"case.parties[{i}].role", party.Role);
            if (party.Phone.Length > 0 && !Phone.IsValid(party.Phone))
            {
                v.Add($"case.parties[{i}].phone", "is not a mainland mobile or landline number");
            }

            if (party.IdNumber.Length > 0 && !IdNumbers.IsValid(party.IdNumber))
            {
                v.Add($"case.parties[{i}].id_number", $"is not an identity number or credit code (letters and digits, at most {IdNumbers.MaxLength})");
            }
        }

        if (c.RelatedCases.Count > MaxRelatedCases)
        {
            v.Add("case.related_cases", $"more than {MaxRelatedCases} related cases");
        }

        for (var i = 0; i < c.RelatedCases.Count && i < MaxRelatedCases; i++)
        {
            CheckCaseNumber(v, $"case.related_cases[{i}]", c.RelatedCases[i]);
        }

        CheckNodes(v, c.Nodes);
        if (request.ServicePassword.Length > 0 && (request.ServicePassword.Length is < 6 or > MaxPasswordLength))
        {
            v.Add("service_password", $"must be 6 to {MaxPasswordLength} characters");
        }

        v.OptionalId("actor", request.Actor);
        v.ThrowIfInvalid();

        Scopes.RequireCourt(context, c.CourtId, "case.court_id");
        await RequireCaseInScopeAsync(context, CaseNumber.Normalize(c.CaseNumber), mustExist: false);
        var parties = c.Parties.Select(p => new PartyInfo(p.Name, (PartyRole)p.Role, Phone.Canonical(p.Phone), IdNumbers.Canonical(p.IdNumber))).ToArray();
        var update = new CaseUpsert(
            CaseNumber.Normalize(c.CaseNumber), c.CourtId, Mapping.NullIfEmpty(c.DivisionId), Mapping.NullIfEmpty(c.PresidingJudgeId),
            [.. parties], (CaseStatus)c.Status, [.. c.RelatedCases.Select(CaseNumber.Normalize)],
            Mapping.NullIfEmpty(request.ServicePassword), ActorOrDefault(request.Actor), [.. c.Nodes.Select(Mapping.FromProto)]);
        var stored = await Case(update.CaseNumber).UpsertAsync(update);
        return new V1.UpsertCaseResponse { Case = Mapping.ToProto(stored) };
    }

    public override async Task<V1.GetCaseResponse> GetCase(V1.GetCaseRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckCaseNumber(v, "case_number", request.CaseNumber);
        v.ThrowIfInvalid();
        var stored = await Case(CaseNumber.Normalize(request.CaseNumber)).GetAsync()
            ?? throw Errors.NotFound($"case {request.CaseNumber} is not known");
        Scopes.RequireCourt(context, stored.CourtId, "case_number");
        var caller = Principal.Of(context);
        if (caller.Role == AccessRole.Judge && !string.Equals(stored.PresidingJudgeId, caller.Scope.JudgeId, StringComparison.Ordinal))
        {
            throw Scopes.Denied("case_number", "a judge's key reads only the cases that judge presides over");
        }

        return new V1.GetCaseResponse { Case = Mapping.ToProto(stored) };
    }

    public override async Task<V1.AssignJudgeResponse> AssignJudge(V1.AssignJudgeRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckCaseNumber(v, "case_number", request.CaseNumber);
        v.RequireId("judge_id", request.JudgeId);
        v.OptionalId("actor", request.Actor);
        v.OptionalText("reason", request.Reason, MaxReasonLength);
        v.ThrowIfInvalid();
        var number = CaseNumber.Normalize(request.CaseNumber);
        await RequireCaseInScopeAsync(context, number, mustExist: true);
        var actor = ActorOrDefault(request.Actor);
        var stored = await Case(number).AssignJudgeAsync(request.JudgeId, actor, Mapping.NullIfEmpty(request.Reason));
        var moved = await grains.GetGrain<IReroutingGrain>(0).RerouteCaseAsync(number, actor, $"the case was assigned to judge {request.JudgeId}");
        return new V1.AssignJudgeResponse { Case = Mapping.ToProto(stored), TicketsMoved = moved };
    }

    public override async Task<V1.MoveCaseResponse> MoveCase(V1.MoveCaseRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckCaseNumber(v, "case_number", request.CaseNumber);
        v.RequireId("to_court_id", request.ToCourtId);
        if (request.ToCaseNumber.Length > 0)
        {
            CheckCaseNumber(v, "to_case_number", request.ToCaseNumber);
        }

        v.OptionalText("reason", request.Reason, MaxReasonLength);
        v.OptionalId("actor", request.Actor);
        v.ThrowIfInvalid();
        var number = CaseNumber.Normalize(request.CaseNumber);
        await RequireCaseInScopeAsync(context, number, mustExist: true);
        var actor = ActorOrDefault(request.Actor);
        var stored = await Case(number).MoveAsync(
            request.ToCourtId, request.ToCaseNumber.Length > 0 ? CaseNumber.Normalize(request.ToCaseNumber) : null, actor, Mapping.NullIfEmpty(request.Reason));
        await grains.GetGrain<IReroutingGrain>(0).RerouteCaseAsync(number, actor, $"the case moved to court {request.ToCourtId}");
        return new V1.MoveCaseResponse { Case = Mapping.ToProto(stored) };
    }

    public override async Task<V1.RecordNodeResponse> RecordNode(V1.RecordNodeRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckCaseNumber(v, "case_number", request.CaseNumber);
        var node = request.Node;
        if (node is null)
        {
            v.Add("node", "is required");
        }
        else
        {
            CheckNode(v, "node", node);
        }

        v.OptionalId("actor", request.Actor);
        v.ThrowIfInvalid();
        await RequireCaseInScopeAsync(context, CaseNumber.Normalize(request.CaseNumber), mustExist: true);
        var stored = await Case(CaseNumber.Normalize(request.CaseNumber)).RecordNodeAsync(Mapping.FromProto(node!), ActorOrDefault(request.Actor));
        return new V1.RecordNodeResponse { Case = Mapping.ToProto(stored) };
    }

    /// <summary>Every failure (no such case, a phone that is not a party's, a wrong password, a locked pair) gets the
    /// same answer, after the same work.</summary>
    public override async Task<V1.LookupCaseResponse> LookupCase(V1.LookupCaseRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckCaseNumber(v, "case_number", request.CaseNumber);
        CheckPhone(v, "phone", request.Phone);
        v.RequireText("service_password", request.ServicePassword, MaxPasswordLength);
        v.ThrowIfInvalid();
        var number = CaseNumber.Normalize(request.CaseNumber);
        var caller = Principal.Of(context);
        var failures = limits.TakeLookup(caller, LookupSource(context), number, Phone.Canonical(request.Phone)!);
        // The key goes with the attempt, for the record of a lockout it may cause.
        RequestContext.Set(LookupCaller.ContextKey, caller.Actor);
        ImmutableArray<NamedCaseNode>? nodes = null;
        var failed = false;
        try
        {
            nodes = await Case(number).LookupNamedAsync(Phone.Canonical(request.Phone)!, request.ServicePassword);
            failed = nodes is null;
        }
        finally
        {
            RequestContext.Remove(LookupCaller.ContextKey);
            if (!failed)
            {
                limits.LookupDidNotFail(failures);
            }
        }

        if (nodes is null)
        {
            throw Errors.NotFound("no case matches this case number, phone and service password");
        }

        var stored = await Case(number).GetAsync();
        var response = new V1.LookupCaseResponse
        {
            CaseNumber = stored!.CaseNumber,
            CourtId = stored.CourtId,
            Status = (V1.CaseStatus)stored.Status,
        };
        response.PublicNodes.AddRange(nodes.Value.Select(n =>
        {
            var proto = Mapping.ToProto(n.Node);
            proto.Name = n.Name;
            return proto;
        }));
        return response;
    }

    /// <summary>Staff of the case's court (or an admin) lift a party's look-up lockout, after checking who is asking;
    /// the audit log keeps who did it, why, and the phone masked.</summary>
    public override async Task<V1.LiftLookupLockoutResponse> LiftLookupLockout(V1.LiftLookupLockoutRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        if (request.CaseNumber.Length > 0)
        {
            CheckCaseNumber(v, "case_number", request.CaseNumber);
        }

        CheckPhone(v, "phone", request.Phone);
        v.OptionalText("reason", request.Reason, MaxReasonLength);
        v.ThrowIfInvalid();
        if (request.CaseNumber.Length == 0)
        {
            // The phone's one-time-code lockout belongs to no court: for keys that reach every court.
            Scopes.RequireCourt(context, null, "case_number");
            var code = await grains.GetGrain<ICallerLookupGrain>(0).LiftAsync(Phone.Canonical(request.Phone)!);
            return new V1.LiftLookupLockoutResponse { WasLocked = code.WasLocked, Failures = code.Failures, RefusedWhileLocked = code.RefusedWhileLocked };
        }

        var number = CaseNumber.Normalize(request.CaseNumber);
        var stored = await Case(number).GetAsync() ?? throw Errors.NotFound($"case {request.CaseNumber} is not known");
        Scopes.RequireCourt(context, stored.CourtId, "case_number");
        var lifted = await Case(number).LiftLookupLockoutAsync(Phone.Canonical(request.Phone)!);
        return new V1.LiftLookupLockoutResponse { WasLocked = lifted.WasLocked, Failures = lifted.Failures, RefusedWhileLocked = lifted.RefusedWhileLocked };
    }

    public override async Task<V1.ListCaseTicketsResponse> ListCaseTickets(V1.ListCaseTicketsRequest request, ServerCallContext context)
    {
        // Checked here: ListTickets would call a missing case number a missing filter and name "assignee".
        var v = new RequestValidator();
        CheckCaseNumber(v, "case_number", request.CaseNumber);
        v.ThrowIfInvalid();
        await RequireCaseInScopeAsync(context, CaseNumber.Normalize(request.CaseNumber), mustExist: true);
        var list = await new TicketApi(grains, time).ListAsync(
            new V1.ListTicketsRequest { CaseNumber = request.CaseNumber, PageSize = request.PageSize, PageToken = request.PageToken, Order = V1.SortOrder.OldestFirst },
            context, checkScope: false);
        var response = new V1.ListCaseTicketsResponse { NextPageToken = list.NextPageToken };
        response.Tickets.AddRange(list.Tickets);
        return response;
    }

    /// <summary>A key limited to courts reaches a case only while the case is at one of them (a case it does not know
    /// is refused too, when <paramref name="mustExist"/>: a limited key learns nothing of other courts' cases).</summary>
    private async Task RequireCaseInScopeAsync(ServerCallContext context, string normalizedNumber, bool mustExist)
    {
        if (!Scopes.Limited(Principal.Of(context).Scope))
        {
            return;
        }

        var stored = await Case(normalizedNumber).GetAsync();
        if (stored is not null || mustExist)
        {
            Scopes.RequireCourt(context, stored?.CourtId ?? string.Empty, "case_number");
        }
    }

    /// <summary>Who is trying a password: the key, and the end user behind the adapter when it says ("x-end-user":
    /// the citizen's address or session), else the connection's peer.</summary>
    internal static string LookupSource(ServerCallContext context)
    {
        var endUser = context.RequestHeaders.GetValue(EndUserHeader);
        var who = string.IsNullOrEmpty(endUser) ? context.Peer : endUser.Length > 128 ? endUser[..128] : endUser;
        return $"{Principal.Of(context).KeyId}|{who}";
    }

    public const string EndUserHeader = "x-end-user";

    private static string ActorOrDefault(string actor) => actor.Length > 0 ? actor : "case-management";

    private static void CheckCaseNumber(RequestValidator v, string field, string value)
    {
        if (value.Length == 0)
        {
            v.Add(field, "is required");
        }
        else if (!CaseNumber.IsValid(value))
        {
            v.Add(field, "is not a case number of the form (2019)沪0115民初12345号");
        }
    }

    private static void CheckPhone(RequestValidator v, string field, string value)
    {
        if (value.Length == 0)
        {
            v.Add(field, "is required");
        }
        else if (!Phone.IsValid(value))
        {
            v.Add(field, "is not a mainland mobile or landline number");
        }
    }

    /// <summary>The nodes of an UpsertCase, each checked as RecordNode checks its node.</summary>
    private static void CheckNodes(RequestValidator v, Google.Protobuf.Collections.RepeatedField<V1.CaseNode> nodes)
    {
        if (nodes.Count > MaxNodes)
        {
            v.Add("case.nodes", $"more than {MaxNodes} nodes");
        }

        for (var i = 0; i < nodes.Count && i < MaxNodes; i++)
        {
            CheckNode(v, $"case.nodes[{i}]", nodes[i]);
        }
    }

    /// <summary>A node names its type by node_type or by the enum (the same type when both); whether the court's
    /// catalogue has the type is the case's to say (CaseGrain), naming {field}.node_type.</summary>
    private static void CheckNode(RequestValidator v, string field, V1.CaseNode node)
    {
        if (node.NodeType.Length == 0)
        {
            v.RequireEnum($"{field}.type", node.Type);
        }
        else if (!ProgressNodeIds.IsWellFormed(node.NodeType))
        {
            v.Add($"{field}.node_type", $"is not a node type id (upper-case letters, digits and underscores, at most {ProgressNodeIds.MaxLength})");
        }
        else if (!Enum.IsDefined(node.Type))
        {
            v.OptionalEnum($"{field}.type", node.Type);
        }
        else if (node.Type is not (V1.CaseNodeType.Unspecified or V1.CaseNodeType.Other) && ProgressNodeIds.Legacy(node.NodeType) != (CaseNodeType)node.Type)
        {
            v.Add($"{field}.type", $"names {ProgressNodeIds.Of((CaseNodeType)node.Type)} but node_type names {node.NodeType}: give one, or the same type");
        }

        v.RequireTime($"{field}.at", node.At);
        v.OptionalText($"{field}.detail", node.Detail, MaxReasonLength, multiline: true);
        if (node.Name.Length > 0)
        {
            v.Add($"{field}.name", "is output only: the court's catalogue names the node");
        }

        if (node.Hearing is { } hearing)
        {
            // Whether the type schedules or calls off a hearing (and so needs or refuses a time) is the case's to say,
            // from its court's catalogue (CaseGrain), naming {field}.hearing or {field}.hearing.at.
            if (hearing.At is not null)
            {
                v.RequireTime($"{field}.hearing.at", hearing.At);
            }

            v.OptionalText($"{field}.hearing.place", hearing.Place, MaxHearingPlaceLength);
            if (hearing.HearingId.Length > 0 && !ProgressNodeIds.IsWellFormed(hearing.HearingId))
            {
                v.Add($"{field}.hearing.hearing_id", $"is not a hearing id (upper-case letters, digits and underscores, at most {ProgressNodeIds.MaxLength})");
            }
        }
    }

    private ICaseGrain Case(string normalizedNumber) => grains.GetGrain<ICaseGrain>(normalizedNumber);
}
