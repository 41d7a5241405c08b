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

/// <summary>A court as a directory import gives it. <paramref name="Absent"/> names the court's fields the import leaves
/// out, and <paramref name="AbsentFromDivisions"/> (by division id) the divisions': those keep their stored values
/// (<see cref="DirectoryMerge"/>). An import from a build before the merge leaves nothing out.</summary>
[GenerateSerializer, Immutable]
public sealed record CourtImport(
    CourtInfo Court,
    ImmutableArray<DivisionInfo> Divisions,
    CourtFields Absent = CourtFields.None,
    ImmutableDictionary<string, DivisionFields>? AbsentFromDivisions = null)
{
    public DivisionFields AbsentFrom(DivisionInfo division) =>
        AbsentFromDivisions?.GetValueOrDefault(division.DivisionId) ?? DivisionFields.None;
}

/// <summary>Courts, divisions and people to merge into the directory. <paramref name="AbsentFromJudges"/> (by judge id)
/// names the people's fields the import leaves out. A person's availability is never imported.</summary>
[GenerateSerializer, Immutable]
public sealed record DirectoryImport(
    ImmutableArray<CourtImport> Courts,
    ImmutableArray<JudgeInfo> Judges,
    ImmutableDictionary<string, JudgeFields>? AbsentFromJudges = null)
{
    public JudgeFields AbsentFrom(JudgeInfo judge) =>
        AbsentFromJudges?.GetValueOrDefault(judge.JudgeId) ?? JudgeFields.None;

    /// <summary>The import split by court, for each court's grain to merge its part in one write: the court's entry
    /// (when listed) and its people. Every court the import touches has a part.</summary>
    public IEnumerable<(string CourtId, DirectoryImport Part)> ByCourt()
    {
        var entries = Courts.ToLookup(c => c.Court.CourtId, StringComparer.Ordinal);
        var people = Judges.ToLookup(j => j.CourtId, StringComparer.Ordinal);
        foreach (var courtId in entries.Select(g => g.Key).Union(people.Select(g => g.Key), StringComparer.Ordinal))
        {
            var judges = people[courtId].ToImmutableArray();
            var absent = AbsentFromJudges is null ? null : judges
                .Where(j => AbsentFromJudges.ContainsKey(j.JudgeId))
                .ToImmutableDictionary(j => j.JudgeId, j => AbsentFromJudges[j.JudgeId], StringComparer.Ordinal);
            yield return (courtId, new DirectoryImport([.. entries[courtId]], judges, absent));
        }
    }
}

/// <summary>A court's fields that an import may leave out.</summary>
[Flags]
[GenerateSerializer]
public enum CourtFields
{
    None = 0,
    ShortName = 1,
    Level = 2,
    ParentCourtId = 4,
    HotlineShare = 8,
    FilingDivisionId = 16,
    ServiceOfficeId = 32,
    SubPlatformId = 64,
}

/// <summary>A division's fields that an import may leave out.</summary>
[Flags]
[GenerateSerializer]
public enum DivisionFields
{
    None = 0,
    HeadJudgeId = 1,
    VicePresidentId = 2,
}

/// <summary>A person's fields that an import may leave out.</summary>
[Flags]
[GenerateSerializer]
public enum JudgeFields
{
    None = 0,
    DivisionId = 1,
    Role = 2,
}

[GenerateSerializer, Immutable]
public sealed record ImportSummary(int Courts, int Divisions, int Judges);
