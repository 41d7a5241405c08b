using System.Collections.Immutable;

namespace Engine.Contracts;

/// <summary>
/// The directory's courts and the court each is under, as the statistics have counted them (three levels linked under
/// one number: high, intermediate, basic). A court's figures "with the courts under it" are its own and those of every
/// court beneath it at any depth. A cycle (a court moved under its own descendant) ends the walk where it closes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CourtTree([property: Id(0)] ImmutableDictionary<string, string> Parents)
{
    public static CourtTree Empty { get; } = new(ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary><paramref name="courtId"/> and every court beneath it, the court first, then in id order.</summary>
    public ImmutableArray<string> Subtree(string courtId)
    {
        var children = Parents.Where(p => p.Value.Length > 0).ToLookup(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var open = new Stack<string>([courtId]);
        while (open.TryPop(out var court))
        {
            foreach (var child in children[court])
            {
                if (child != courtId && found.Add(child))
                {
                    open.Push(child);
                }
            }
        }

        return [courtId, .. found];
    }

    /// <summary>Whether <paramref name="courtId"/> is <paramref name="ancestorId"/> or beneath it.</summary>
    public bool IsWithin(string courtId, string ancestorId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var court = courtId; court.Length > 0 && seen.Add(court); court = Parents.GetValueOrDefault(court, string.Empty))
        {
            if (court == ancestorId)
            {
                return true;
            }
        }

        return false;
    }
}
