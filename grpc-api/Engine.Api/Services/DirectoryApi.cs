using Engine.ProtoMapping;
using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Routing;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

public sealed class DirectoryApi(IClusterClient grains) : V1.DirectoryService.DirectoryServiceBase
{
    public const int MaxImportJsonBytes = 16 * 1024 * 1024;
    public const int MaxRules = 200;

    public override async Task<V1.UpsertCourtResponse> UpsertCourt(V1.UpsertCourtRequest request, ServerCallContext context)
    {
        var court = request.Court ?? throw Errors.Invalid([("court", "is required")]);
        var v = new RequestValidator();
        CheckCourt(v, "court.", court.CourtId, court.Name, court.Level);
        v.OptionalText("court.parent_court_id", court.ParentCourtId, SubmitValidation.MaxIdLength);
        v.OptionalText("court.filing_division_id", court.FilingDivisionId, SubmitValidation.MaxIdLength);
        v.OptionalText("court.service_office_id", court.ServiceOfficeId, SubmitValidation.MaxIdLength);
        v.OptionalText("court.sub_platform_id", court.SubPlatformId, SubmitValidation.MaxIdLength);
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
        v.RequireText("judge_id", request.JudgeId, SubmitValidation.MaxIdLength);
        CheckAvailability(v, "availability.", request.Availability);
        v.ThrowIfInvalid();
        var stored = await grains.GetGrain<IDirectoryGrain>(0).SetAvailabilityAsync(request.JudgeId, Mapping.FromProto(request.Availability));
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
        v.RequireText("court_id", request.CourtId, SubmitValidation.MaxIdLength);
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

    public override async Task<V1.SetRoutingRulesResponse> SetRoutingRules(V1.SetRoutingRulesRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.RequireText("court_id", request.CourtId, SubmitValidation.MaxIdLength);
        if (request.Rules.Count > MaxRules)
        {
            v.Add("rules", $"more than {MaxRules} rules");
        }

        for (var i = 0; i < request.Rules.Count && i < MaxRules; i++)
        {
            var r = request.Rules[i];
            var p = $"rules[{i}].";
            v.RequireText(p + "rule_id", r.RuleId, SubmitValidation.MaxIdLength);
            v.OptionalEnum(p + "kind", r.Kind);
            v.OptionalEnum(p + "sub_kind", r.SubKind);
            v.OptionalText(p + "case_division_id", r.CaseDivisionId, SubmitValidation.MaxIdLength);
            v.RequireEnum(p + "target_type", r.TargetType);
            v.RequireText(p + "target_id", r.TargetId, SubmitValidation.MaxIdLength);
        }

        v.ThrowIfInvalid();
        var rules = request.Rules.Select(r => new RoutingRuleEntry(
            r.RuleId, (TicketKind)r.Kind, (TicketSubKind)r.SubKind, Mapping.NullIfEmpty(r.CaseDivisionId), (AssigneeType)r.TargetType, r.TargetId));
        await grains.GetGrain<ICourtGrain>(request.CourtId).SetRoutingRulesAsync([.. rules]);
        return new V1.SetRoutingRulesResponse { Rules = request.Rules.Count };
    }

    /// <summary>Validates an import request (the template applied to courts without divisions) and maps it.</summary>
    public static DirectoryImport ToImport(V1.ImportDirectoryRequest request)
    {
        var v = new RequestValidator();
        var template = request.DivisionTemplate.Select(t => new V1.Division { DivisionId = t.Id, Name = t.Name, Role = t.Role }).ToList();
        var courts = ImmutableArray.CreateBuilder<CourtImport>();
        for (var i = 0; i < request.Courts.Count; i++)
        {
            var c = request.Courts[i];
            var p = $"courts[{i}].";
            CheckCourt(v, p, c.Id, c.Name, c.Level);
            v.OptionalText(p + "parent", c.Parent, SubmitValidation.MaxIdLength);
            var divisions = (c.Divisions.Count > 0 ? c.Divisions.ToList() : template)
                .Select(d => new V1.Division(d) { CourtId = c.Id })
                .ToList();
            for (var j = 0; j < divisions.Count; j++)
            {
                CheckDivision(v, $"{p}divisions[{j}].", divisions[j]);
            }

            var infos = divisions.Select(Mapping.FromProto).ToList();
            var court = new V1.Court { CourtId = c.Id, Name = c.Name, ShortName = c.Short, Level = c.Level, ParentCourtId = c.Parent, HotlineShare = c.HotlineShare };
            courts.Add(new CourtImport(Mapping.FromProto(court, infos), [.. infos]));
        }

        for (var i = 0; i < request.Judges.Count; i++)
        {
            CheckJudge(v, $"judges[{i}].", request.Judges[i]);
        }

        v.ThrowIfInvalid();
        return new DirectoryImport(courts.ToImmutable(), [.. request.Judges.Select(Mapping.FromProto)]);
    }

    private static void CheckCourt(RequestValidator v, string prefix, string id, string name, V1.CourtLevel level)
    {
        v.RequireText(prefix + (prefix.StartsWith("courts[", StringComparison.Ordinal) ? "id" : "court_id"), id, SubmitValidation.MaxIdLength);
        v.RequireText(prefix + "name", name, 128);
        v.OptionalEnum(prefix + "level", level);
    }

    private static void CheckDivision(RequestValidator v, string prefix, V1.Division d)
    {
        v.RequireText(prefix + "court_id", d.CourtId, SubmitValidation.MaxIdLength);
        v.RequireText(prefix + "division_id", d.DivisionId, SubmitValidation.MaxIdLength);
        v.RequireText(prefix + "name", d.Name, 128);
        v.RequireEnum(prefix + "role", d.Role);
        v.OptionalText(prefix + "head_judge_id", d.HeadJudgeId, SubmitValidation.MaxIdLength);
        v.OptionalText(prefix + "vice_president_id", d.VicePresidentId, SubmitValidation.MaxIdLength);
    }

    private static void CheckJudge(RequestValidator v, string prefix, V1.Judge j)
    {
        v.RequireText(prefix + "judge_id", j.JudgeId, SubmitValidation.MaxIdLength);
        v.RequireText(prefix + "name", j.Name, SubmitValidation.MaxNameLength);
        v.RequireText(prefix + "court_id", j.CourtId, SubmitValidation.MaxIdLength);
        v.OptionalText(prefix + "division_id", j.DivisionId, SubmitValidation.MaxIdLength);
        v.RequireEnum(prefix + "role", j.Role);
        if (j.Availability is not null)
        {
            CheckAvailability(v, prefix + "availability.", j.Availability);
        }
    }

    private static void CheckAvailability(RequestValidator v, string prefix, V1.Availability? a)
    {
        if (a is null)
        {
            return;
        }

        v.OptionalText(prefix + "delegate_judge_id", a.DelegateJudgeId, SubmitValidation.MaxIdLength);
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
