namespace Engine.Search;

/// <summary>One knowledge-base entry as the index sees it: the text it is found by and where it applies.</summary>
/// <param name="EntryId">The entry's id.</param>
/// <param name="Version">The entry's version (the index keeps only the latest it was given).</param>
/// <param name="Question">The question as the court wrote it.</param>
/// <param name="Variants">Other ways people ask it.</param>
/// <param name="Answer">The answer (searched too, with less weight).</param>
/// <param name="CourtId">The court it was written for (it applies there and in the courts under it); null for every
/// court.</param>
/// <param name="Kinds">The ticket kinds it answers (proto enum names, e.g. <c>CONSULTATION</c>); empty for any.</param>
/// <param name="Tags">Free tags, searched like the question.</param>
public sealed record SearchDocument(
    string EntryId,
    int Version,
    string Question,
    IReadOnlyList<string> Variants,
    string Answer,
    string? CourtId,
    IReadOnlyList<string> Kinds,
    IReadOnlyList<string> Tags);

/// <summary>Which entries a search may return.</summary>
/// <param name="Courts">The asking court and the courts above it: entries written for one of them apply; entries for
/// every court always apply. Empty: only entries for every court.</param>
/// <param name="Kind">Only entries that answer this kind (or any kind); null: no filter.</param>
public sealed record SearchScope(IReadOnlyList<string> Courts, string? Kind = null)
{
    /// <summary>Entries for every court only, of any kind.</summary>
    public static SearchScope General { get; } = new([]);
}

/// <summary>An entry found, with its score (higher is better; comparable within one search only).</summary>
public sealed record SearchHit(string EntryId, int Version, double Score);
