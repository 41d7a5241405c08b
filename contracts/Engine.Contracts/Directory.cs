using System.Collections.Immutable;
using Engine.Domain;
using Engine.Domain.Routing;

namespace Engine.Contracts;

// Records serialize their primary-constructor parameters in order: append new ones at the end, never reorder.

[GenerateSerializer, Immutable]
public sealed record CourtInfo(
    string CourtId,
    string Name,
    string? ShortName,
    CourtLevel Level,
    string? ParentCourtId,
    string? FilingDivisionId,
    string? ServiceOfficeId,
    string? SubPlatformId,
    double HotlineShare)
{
    public string EffectiveSubPlatformId => SubPlatformId ?? CourtId + "/platform";
}

[GenerateSerializer, Immutable]
public sealed record DivisionInfo(
    string CourtId,
    string DivisionId,
    string Name,
    DivisionRole Role,
    string? HeadJudgeId,
    string? VicePresidentId);

[GenerateSerializer, Immutable]
public sealed record AvailabilityInfo(DateTimeOffset? LeaveFrom, DateTimeOffset? LeaveTo, string? DelegateJudgeId)
{
    public static AvailabilityInfo Available { get; } = new(null, null, null);
}

[GenerateSerializer, Immutable]
public sealed record JudgeInfo(
    string JudgeId,
    string Name,
    string CourtId,
    string? DivisionId,
    JudgeRole Role,
    AvailabilityInfo Availability);

/// <summary>A court with everything routing needs, as the court grain holds it.</summary>
[GenerateSerializer, Immutable]
public sealed record CourtSnapshot(
    CourtInfo Court,
    ImmutableArray<DivisionInfo> Divisions,
    ImmutableArray<JudgeInfo> Judges,
    ImmutableArray<RoutingRuleEntry> Rules,
    ImmutableDictionary<string, int> OpenTickets,
    ImmutableDictionary<string, long> ReturnsByRule);

[GenerateSerializer, Immutable]
public sealed record CourtImport(CourtInfo Court, ImmutableArray<DivisionInfo> Divisions);

[GenerateSerializer, Immutable]
public sealed record DirectoryImport(ImmutableArray<CourtImport> Courts, ImmutableArray<JudgeInfo> Judges);

[GenerateSerializer, Immutable]
public sealed record ImportSummary(int Courts, int Divisions, int Judges);
