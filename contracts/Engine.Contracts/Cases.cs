using System.Collections.Immutable;
using System.Text;
using Engine.Domain;

namespace Engine.Contracts;

[GenerateSerializer, Immutable]
public sealed record PartyInfo(string Name, PartyRole Role, string? Phone)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"Role = {Role}");
}

[GenerateSerializer, Immutable]
public sealed record CaseNodeInfo(CaseNodeType Type, DateTimeOffset At, string? Detail, bool Public);

[GenerateSerializer, Immutable]
public sealed record CaseRecord(
    string CaseNumber,
    string CourtId,
    string? DivisionId,
    string? PresidingJudgeId,
    ImmutableArray<PartyInfo> Parties,
    CaseStatus Status,
    ImmutableArray<CaseNodeInfo> Nodes,
    ImmutableArray<string> RelatedCases,
    string? MovedToCourtId,
    string? MovedToCaseNumber,
    long Version);

/// <summary>What the case-management system pushes; the password, when given, is stored only as a salted hash.
/// <see cref="Nodes"/> are recorded unless already stored (null from a front-end of an earlier build: none).</summary>
[GenerateSerializer, Immutable]
public sealed record CaseUpsert(
    string CaseNumber,
    string CourtId,
    string? DivisionId,
    string? PresidingJudgeId,
    ImmutableArray<PartyInfo> Parties,
    CaseStatus Status,
    ImmutableArray<string> RelatedCases,
    string? ServicePassword,
    string Actor,
    ImmutableArray<CaseNodeInfo>? Nodes = null)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"CaseNumber = {CaseNumber}, CourtId = {CourtId}, Actor = {Actor}");
}

/// <summary>What routing needs from a case. MovedTo* are set when the case went to another court.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseRoutingFacts(
    string CaseNumber,
    string CourtId,
    string? DivisionId,
    string? PresidingJudgeId,
    string? MovedToCourtId,
    string? MovedToCaseNumber);
