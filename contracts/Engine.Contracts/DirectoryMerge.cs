using System.Collections.Immutable;
using Engine.Domain;

namespace Engine.Contracts;

/// <summary>
/// A directory import merged into what one court holds. What the import gives replaces the stored value (given as
/// empty, it clears it); what it leaves out keeps the stored value, so that re-importing the same file on every start
/// never undoes what was set since through the API (a division's head, a person's role). A person's availability is
/// never the import's to change. Only what differs is reported, so an unchanged import writes nothing.
/// </summary>
public static class DirectoryMerge
{
    /// <summary>What merging <paramref name="part"/> (the court's entry, when the import lists it, and its people:
    /// <see cref="DirectoryImport.ByCourt"/>) changes in a court holding <paramref name="court"/> (null: not in the
    /// directory), <paramref name="divisions"/> and <paramref name="judges"/>. Refuses, before anything changes, a
    /// person whose division the court would not have.</summary>
    public static DirectoryChange Merge(
        CourtInfo? court, IReadOnlyDictionary<string, DivisionInfo> divisions, IReadOnlyDictionary<string, JudgeInfo> judges, DirectoryImport part)
    {
        var mergedCourt = court;
        foreach (var entry in part.Courts)
        {
            mergedCourt = Merge(mergedCourt, entry);
        }

        if (mergedCourt is null)
        {
            throw EngineException.NotFound($"court {part.Judges.Select(j => j.CourtId).FirstOrDefault()} is not in the directory");
        }

        var divisionsAfter = new Dictionary<string, DivisionInfo>(divisions, StringComparer.Ordinal);
        var changedDivisions = MergeEach(
            part.Courts.SelectMany(e => e.Divisions.Select(d => (Entry: e, Division: d))),
            divisionsAfter,
            x => x.Division.DivisionId,
            (stored, x) => Merge(stored, x.Division, x.Entry.AbsentFrom(x.Division)));
        var judgesAfter = new Dictionary<string, JudgeInfo>(judges, StringComparer.Ordinal);
        var changedJudges = MergeEach(part.Judges, judgesAfter, j => j.JudgeId, (stored, j) => Merge(stored, j, part.AbsentFrom(j)));
        if (changedJudges.FirstOrDefault(j => j.DivisionId is not null && !divisionsAfter.ContainsKey(j.DivisionId)) is { } stray)
        {
            throw EngineException.Invalid("judges.division_id", $"division '{stray.DivisionId}' is not a division of court {mergedCourt.CourtId}");
        }

        return new DirectoryChange(
            court is null || !Equals(court, mergedCourt) ? mergedCourt : null,
            court is null,
            changedDivisions,
            changedJudges);
    }

    /// <summary>The court after the import: the filing division and service office, which a file cannot name, stay
    /// as stored, and come from the imported divisions only when none is stored.</summary>
    public static CourtInfo Merge(CourtInfo? stored, CourtImport imported)
    {
        var given = imported.Court;
        if (stored is null)
        {
            return given;
        }

        bool Kept(CourtFields field) => (imported.Absent & field) != 0;
        return given with
        {
            ShortName = Kept(CourtFields.ShortName) ? stored.ShortName : given.ShortName,
            Level = Kept(CourtFields.Level) ? stored.Level : given.Level,
            ParentCourtId = Kept(CourtFields.ParentCourtId) ? stored.ParentCourtId : given.ParentCourtId,
            FilingDivisionId = Kept(CourtFields.FilingDivisionId) ? stored.FilingDivisionId ?? given.FilingDivisionId : given.FilingDivisionId,
            ServiceOfficeId = Kept(CourtFields.ServiceOfficeId) ? stored.ServiceOfficeId ?? given.ServiceOfficeId : given.ServiceOfficeId,
            SubPlatformId = Kept(CourtFields.SubPlatformId) ? stored.SubPlatformId : given.SubPlatformId,
            HotlineShare = Kept(CourtFields.HotlineShare) ? stored.HotlineShare : given.HotlineShare,
        };
    }

    public static DivisionInfo Merge(DivisionInfo? stored, DivisionInfo imported, DivisionFields absent) => stored is null
        ? imported
        : imported with
        {
            HeadJudgeId = (absent & DivisionFields.HeadJudgeId) != 0 ? stored.HeadJudgeId : imported.HeadJudgeId,
            VicePresidentId = (absent & DivisionFields.VicePresidentId) != 0 ? stored.VicePresidentId : imported.VicePresidentId,
        };

    /// <summary>The person after the import: a role left out (or cleared) is the stored one, or JUDGE for someone new;
    /// availability is the stored one, or available for someone new.</summary>
    public static JudgeInfo Merge(JudgeInfo? stored, JudgeInfo imported, JudgeFields absent)
    {
        var role = (absent & JudgeFields.Role) != 0 ? stored?.Role : imported.Role;
        return imported with
        {
            DivisionId = (absent & JudgeFields.DivisionId) != 0 && stored is not null ? stored.DivisionId : imported.DivisionId,
            Role = role is null or JudgeRole.Unspecified ? JudgeRole.Judge : role.Value,
            Availability = stored?.Availability ?? AvailabilityInfo.Available,
        };
    }

    /// <summary>Merges each imported item into <paramref name="after"/> (a later one with the same id over the
    /// earlier) and answers those that differ from what was there, once each, as they are after.</summary>
    private static ImmutableArray<T> MergeEach<TImported, T>(
        IEnumerable<TImported> imported, Dictionary<string, T> after, Func<TImported, string> id, Func<T?, TImported, T> merge)
        where T : class
    {
        var changed = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in imported)
        {
            var key = id(item);
            var stored = after.GetValueOrDefault(key);
            var merged = merge(stored, item);
            if (!Equals(stored, merged))
            {
                after[key] = merged;
                if (seen.Add(key))
                {
                    changed.Add(key);
                }
            }
        }

        return [.. changed.Select(key => after[key])];
    }
}

/// <summary>What an import changes in one court, everything as it is after the merge: the court when it is new
/// (<see cref="CourtIsNew"/>) or changed, and each division and person that is new or changed. Empty: nothing to
/// write.</summary>
public sealed record DirectoryChange(CourtInfo? Court, bool CourtIsNew, ImmutableArray<DivisionInfo> Divisions, ImmutableArray<JudgeInfo> Judges)
{
    public bool IsEmpty => Court is null && Divisions.IsEmpty && Judges.IsEmpty;
}
