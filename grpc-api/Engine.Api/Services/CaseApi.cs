using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>What the case-management system pushes. MoveCase, RecordNode, LookupCase and ListCaseTickets answer
/// UNIMPLEMENTED until they are built.</summary>
public sealed class CaseApi(IClusterClient grains) : V1.CaseService.CaseServiceBase
{
    public const int MaxParties = 100;
    public const int MaxPasswordLength = 64;

    public override async Task<V1.UpsertCaseResponse> UpsertCase(V1.UpsertCaseRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        var c = request.Case;
        if (c is null)
        {
            Errors.ThrowInvalid("case", "is required");
        }

        CheckCaseNumber(v, "case.case_number", c.CaseNumber);
        v.RequireText("case.court_id", c.CourtId, SubmitValidation.MaxIdLength);
        v.OptionalText("case.division_id", c.DivisionId, SubmitValidation.MaxIdLength);
        v.OptionalText("case.presiding_judge_id", c.PresidingJudgeId, SubmitValidation.MaxIdLength);
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
        }

        foreach (var (related, i) in c.RelatedCases.Select((r, i) => (r, i)))
        {
            CheckCaseNumber(v, $"case.related_cases[{i}]", related);
        }

        if (request.ServicePassword.Length > 0 && (request.ServicePassword.Length is < 6 or > MaxPasswordLength))
        {
            v.Add("service_password", $"must be 6 to {MaxPasswordLength} characters");
        }

        v.OptionalText("actor", request.Actor, SubmitValidation.MaxIdLength);
        v.ThrowIfInvalid();

        var parties = c.Parties.Select(p => new PartyInfo(p.Name, (PartyRole)p.Role, Phone.Canonical(p.Phone))).ToArray();
        var update = new CaseUpsert(
            CaseNumber.Normalize(c.CaseNumber), c.CourtId, Mapping.NullIfEmpty(c.DivisionId), Mapping.NullIfEmpty(c.PresidingJudgeId),
            [.. parties], (CaseStatus)c.Status, [.. c.RelatedCases.Select(CaseNumber.Normalize)],
            Mapping.NullIfEmpty(request.ServicePassword), ActorOrDefault(request.Actor));
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
        return new V1.GetCaseResponse { Case = Mapping.ToProto(stored) };
    }

    public override async Task<V1.AssignJudgeResponse> AssignJudge(V1.AssignJudgeRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckCaseNumber(v, "case_number", request.CaseNumber);
        v.RequireText("judge_id", request.JudgeId, SubmitValidation.MaxIdLength);
        v.OptionalText("actor", request.Actor, SubmitValidation.MaxIdLength);
        v.OptionalText("reason", request.Reason, 1024);
        v.ThrowIfInvalid();
        var stored = await Case(CaseNumber.Normalize(request.CaseNumber))
            .AssignJudgeAsync(request.JudgeId, ActorOrDefault(request.Actor), Mapping.NullIfEmpty(request.Reason));
        return new V1.AssignJudgeResponse { Case = Mapping.ToProto(stored) };
    }

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

    private ICaseGrain Case(string normalizedNumber) => grains.GetGrain<ICaseGrain>(normalizedNumber);
}
