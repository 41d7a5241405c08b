using Engine.ProtoMapping;
using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Routing;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

[BindServiceMethod(typeof(StrictParsing<V1.DirectoryService.DirectoryServiceBase>), nameof(StrictParsing<V1.DirectoryService.DirectoryServiceBase>.BindService))]
public sealed class DirectoryApi(IClusterClient grains) : V1.DirectoryService.DirectoryServiceBase
{
    public const int MaxImportJsonBytes = 16 * 1024 * 1024;
    public const int MaxRules = 200;

    public override async Task<V1.UpsertCourtResponse> UpsertCourt(V1.UpsertCourtRequest request, ServerCallContext context)
    {
        var court = request.Court ?? throw Errors.Invalid([("court", "is required")]);
        var v = new RequestValidator();
        CheckCourt(v, "court.", court.CourtId, court.Name, court.Level);
        v.OptionalId("court.parent_court_id", court.ParentCourtId);
        v.OptionalId("court.filing_division_id", court.FilingDivisionId);
        v.OptionalId("court.service_office_id", court.ServiceOfficeId);
        v.OptionalId("court.sub_platform_id", court.SubPlatformId);
        v.ThrowIfInvalid();
        var stored = await grains.GetGrain<ICourtGrain>(court.CourtId).UpsertCourtAsync(Mapping.FromProto(court, []));
        return new V1.UpsertCourtResponse { Court = Mapping.ToProto(stored) };
    }

    public override async Task<V1.UpsertDivisionResponse> UpsertDivision(V1.UpsertDivisionRequest request, ServerCallContext context)
    {
        var division = request.Division ?? throw Errors.Invalid([("division", "is required")]);
        var v = new RequestValidator();
        CheckDivision(v, "division.", division);
        v.ThrowIfInvalid();
        var stored = await grains.GetGrain<ICourtGrain>(division.CourtId).UpsertDivisionAsync(Mapping.FromProto(division));
        return new V1.UpsertDivisionResponse { Division = Mapping.ToProto(stored) };
    }

    public override async Task<V1.UpsertJudgeResponse> UpsertJudge(V1.UpsertJudgeRequest request, ServerCallContext context)
    {
        var judge = request.Judge ?? throw Errors.Invalid([("judge", "is required")]);
        var v = new RequestValidator();
        CheckJudge(v, "judge.", judge);
        v.ThrowIfInvalid();
        var stored = await grains.GetGrain<IDirectoryGrain>(0).UpsertJudgeAsync(Mapping.FromProto(judge));
        return new V1.UpsertJudgeResponse { Judge = Mapping.ToProto(stored) };
    }

    public override async Task<V1.SetAvailabilityResponse> SetAvailability(V1.SetAvailabilityRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.RequireId("judge_id", request.JudgeId);
        CheckAvailability(v, "availability.", request.Availability);
        v.OptionalId("court_id", request.CourtId);
        v.ThrowIfInvalid();
        Security.Scopes.RequireCourt(context, request.CourtId, "court_id");
        // With a court named, the judge must be of it: a key limited to that court cannot reach other courts' people.
        var stored = await grains.GetGrain<IDirectoryGrain>(0).SetAvailabilityAsync(request.JudgeId, Mapping.FromProto(request.Availability), Mapping.NullIfEmpty(request.CourtId));
        return new V1.SetAvailabilityResponse { Judge = Mapping.ToProto(stored) };
    }

    public override async Task<V1.ImportDirectoryResponse> ImportDirectory(V1.ImportDirectoryRequest request, ServerCallContext context)
    {
        if (request.Courts.Count == 0 && request.Json.Length > 0)
        {
            if (request.Json.Length > MaxImportJsonBytes)
            {
                Errors.ThrowInvalid("json", $"is larger than {MaxImportJsonBytes / (1024 * 1024)} MiB");
            }

            request = DirectoryJson.Parse(request.Json);
        }

        var import = ToImport(request);
        var summary = await grains.GetGrain<IDirectoryGrain>(0).ImportAsync(import);
        return new V1.ImportDirectoryResponse { Courts = summary.Courts, Divisions = summary.Divisions, Judges = summary.Judges };
    }

    public override async Task<V1.GetCourtResponse> GetCourt(V1.GetCourtRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.RequireId("court_id", request.CourtId);
        v.ThrowIfInvalid();
        var snapshot = await grains.GetGrain<ICourtGrain>(request.CourtId).GetAsync()
            ?? throw Errors.NotFound($"court {request.CourtId} is not in the directory");
        var response = new V1.GetCourtResponse { Court = Mapping.ToProto(snapshot.Court) };
        response.Divisions.AddRange(snapshot.Divisions.OrderBy(d => d.DivisionId, StringComparer.Ordinal).Select(Mapping.ToProto));
        response.Judges.AddRange(snapshot.Judges.OrderBy(j => j.JudgeId, StringComparer.Ordinal)
            .Select(j => Mapping.ToProto(j, snapshot.OpenTickets.GetValueOrDefault(j.JudgeId))));
        response.RoutingRules.AddRange(snapshot.Rules.Select(Mapping.ToProto));
        response.ReturnsByRule.Add(snapshot.ReturnsByRule);
        return response;
    }

    public override async Task<V1.GetJudgeResponse> GetJudge(V1.GetJudgeRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.RequireId("judge_id", request.JudgeId);
        v.ThrowIfInvalid();
        var caller = Security.Principal.Of(context);
        if (caller.Role == AccessRole.Judge && !string.Equals(caller.Scope.JudgeId, request.JudgeId, StringComparison.Ordinal))
        {
            throw Security.Scopes.Denied("judge_id", "a judge's key reads only that judge");
        }

        var view = await grains.GetGrain<IJudgeGrain>(request.JudgeId).GetAsync();
        Security.Scopes.RequireCourt(context, view.Judge.CourtId, "judge_id");
        return Mapping.ToProto(view);
    }

    public override async Task<V1.SetRoutingRulesResponse> SetRoutingRules(V1.SetRoutingRulesRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.RequireId("court_id", request.CourtId);
        if (request.Rules.Count > MaxRules)
        {
            v.Add("rules", $"more than {MaxRules} rules");
        }

        for (var i = 0; i < request.Rules.Count && i < MaxRules; i++)
        {
            var r = request.Rules[i];
            var p = $"rules[{i}].";
            v.RequireId(p + "rule_id", r.RuleId);
            v.OptionalEnum(p + "kind", r.Kind);
            v.OptionalEnum(p + "sub_kind", r.SubKind);
            v.OptionalId(p + "case_division_id", r.CaseDivisionId);
            v.RequireEnum(p + "target_type", r.TargetType);
            v.RequireId(p + "target_id", r.TargetId);
        }

        v.ThrowIfInvalid();
        var rules = request.Rules.Select(r => new RoutingRuleEntry(
            r.RuleId, (TicketKind)r.Kind, (TicketSubKind)r.SubKind, Mapping.NullIfEmpty(r.CaseDivisionId), (AssigneeType)r.TargetType, r.TargetId));
        await grains.GetGrain<ICourtGrain>(request.CourtId).SetRoutingRulesAsync([.. rules]);
        return new V1.SetRoutingRulesResponse { Rules = request.Rules.Count };
    }

    /// <summary>Validates an import request (the template applied to courts without divisions) and maps it, with
    /// the fields it leaves unset named: the merge keeps their stored values.</summary>
    public static DirectoryImport ToImport(V1.ImportDirectoryRequest request)
    {
        var v = new RequestValidator();
        var template = request.DivisionTemplate.Select(t => new V1.ImportDivision { DivisionId = t.Id, Name = t.Name, Role = t.Role }).ToList();
        var courts = ImmutableArray.CreateBuilder<CourtImport>();
        var courtIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < request.Courts.Count; i++)
        {
            var c = request.Courts[i];
            var p = $"courts[{i}].";
            CheckCourt(v, p, c.Id, c.Name, c.Level);
            CheckOnce(v, p + "id", c.Id, i, courtIds, "courts");
            v.OptionalId(p + "parent", c.Parent);
            var divisions = (c.Divisions.Count > 0 ? c.Divisions.ToList() : template)
                .Select(d => new V1.ImportDivision(d) { CourtId = c.Id })
                .ToList();
            var divisionIds = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var j = 0; j < divisions.Count; j++)
            {
                var d = divisions[j];
                CheckDivision(v, $"{p}divisions[{j}].", new V1.Division
                {
                    CourtId = d.CourtId, DivisionId = d.DivisionId, Name = d.Name, Role = d.Role, HeadJudgeId = d.HeadJudgeId, VicePresidentId = d.VicePresidentId,
                });
                CheckOnce(v, $"{p}divisions[{j}].division_id", d.DivisionId, j, divisionIds, p + "divisions");
            }

            courts.Add(Mapping.FromProto(c, divisions));
        }

        var judgeIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < request.Judges.Count; i++)
        {
            CheckImportedJudge(v, $"judges[{i}].", request.Judges[i]);
            CheckOnce(v, $"judges[{i}].judge_id", request.Judges[i].JudgeId, i, judgeIds, "judges");
        }

        v.ThrowIfInvalid();
        return new DirectoryImport(
            courts.ToImmutable(),
            [.. request.Judges.Select(Mapping.FromProto)],
            request.Judges.ToImmutableDictionary(j => j.JudgeId, Mapping.Absent, StringComparer.Ordinal));
    }

    /// <summary>An id twice in one import is a mistake, and would have the same court or person written twice.</summary>
    private static void CheckOnce(RequestValidator v, string field, string id, int index, Dictionary<string, int> seen, string list)
    {
        if (id.Length > 0 && !seen.TryAdd(id, index))
        {
            v.Add(field, $"is imported twice: {list}[{seen[id]}] has the same id");
        }
    }

    private static void CheckCourt(RequestValidator v, string prefix, string id, string name, V1.CourtLevel level)
    {
        v.RequireId(prefix + (prefix.StartsWith("courts[", StringComparison.Ordinal) ? "id" : "court_id"), id);
        v.RequireText(prefix + "name", name, 128);
        v.OptionalEnum(prefix + "level", level);
    }

    private static void CheckDivision(RequestValidator v, string prefix, V1.Division d)
    {
        v.RequireId(prefix + "court_id", d.CourtId);
        v.RequireId(prefix + "division_id", d.DivisionId);
        v.RequireText(prefix + "name", d.Name, 128);
        v.RequireEnum(prefix + "role", d.Role);
        v.OptionalId(prefix + "head_judge_id", d.HeadJudgeId);
        v.OptionalId(prefix + "vice_president_id", d.VicePresidentId);
    }

    private static void CheckJudge(RequestValidator v, string prefix, V1.Judge j)
    {
        v.RequireId(prefix + "judge_id", j.JudgeId);
        v.RequireText(prefix + "name", j.Name, SubmitValidation.MaxNameLength);
        v.RequireId(prefix + "court_id", j.CourtId);
        v.OptionalId(prefix + "division_id", j.DivisionId);
        v.RequireEnum(prefix + "role", j.Role);
        if (j.Availability is not null)
        {
            CheckAvailability(v, prefix + "availability.", j.Availability);
        }
    }

    private static void CheckImportedJudge(RequestValidator v, string prefix, V1.ImportJudge j)
    {
        v.RequireId(prefix + "judge_id", j.JudgeId);
        v.RequireText(prefix + "name", j.Name, SubmitValidation.MaxNameLength);
        v.RequireId(prefix + "court_id", j.CourtId);
        v.OptionalId(prefix + "division_id", j.DivisionId);
        v.OptionalEnum(prefix + "role", j.Role);
        if (j.Availability is not null)
        {
            v.Add(prefix + "availability", "is not imported: an import never changes a person's leave or delegate (use SetAvailability)");
        }
    }

    private static void CheckAvailability(RequestValidator v, string prefix, V1.Availability? a)
    {
        if (a is null)
        {
            return;
        }

        v.OptionalId(prefix + "delegate_judge_id", a.DelegateJudgeId);
        if ((a.LeaveFrom is null) != (a.LeaveTo is null))
        {
            v.Add(prefix + "leave_to", "leave_from and leave_to are set together");
        }
        else if (a.LeaveFrom is not null && a.LeaveTo is not null)
        {
            if (!RequestValidator.IsReasonable(a.LeaveFrom) || !RequestValidator.IsReasonable(a.LeaveTo))
            {
                v.Add(prefix + "leave_from", "is not a date between 2000 and 2100");
            }
            else if (a.LeaveTo.ToDateTimeOffset() <= a.LeaveFrom.ToDateTimeOffset())
            {
                v.Add(prefix + "leave_to", "must be after leave_from");
            }
        }
    }
}
