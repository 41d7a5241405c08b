using Engine.Search;

namespace Engine.SearchEval;

/// <summary>One way of searching, measured by <see cref="Program"/>.</summary>
internal sealed record Candidate(string Name, Func<IKnowledgeIndex> Create, string Notes);

/// <summary>
/// The scope rules of <see cref="IKnowledgeIndex.Search"/> applied after an engine that knows nothing of them: the engine
/// returns its best <see cref="Depth"/> matches, then entries outside the scope are dropped and a court's own entries
/// get the same boost as in <see cref="Bm25KnowledgeIndex"/>.
/// </summary>
internal abstract class ExternalIndex : IKnowledgeIndex, IDisposable
{
    protected const int Depth = 100;

    private readonly Dictionary<string, SearchDocument> _documents = new(StringComparer.Ordinal);

    public int Count => _documents.Count;

    public void Load(IEnumerable<SearchDocument> documents)
    {
        var all = documents.ToArray();
        foreach (var d in all)
        {
            _documents[d.EntryId] = d;
        }

        Index(all);
    }

    public void Upsert(SearchDocument document) => Load([document]);

    public void Remove(string entryId) => throw new NotSupportedException("The evaluation only loads.");

    public IReadOnlyList<SearchHit> Search(string text, SearchScope scope, int top) =>
        [.. Raw(text)
            .Select(h => (Document: _documents[h.Id], h.Score))
            .Where(h => h.Document.CourtId is null || scope.Courts.Contains(h.Document.CourtId, StringComparer.Ordinal))
            .Select(h => (h.Document, Score: h.Document.CourtId is null ? h.Score : h.Score * Bm25KnowledgeIndex.OwnCourtBoost))
            .OrderByDescending(h => h.Score)
            .Take(top)
            .Select(h => new SearchHit(h.Document.EntryId, h.Document.Version, h.Score))];

    public abstract void Dispose();

    protected static string QuestionText(SearchDocument d) => string.Join('\n', d.Variants.Prepend(d.Question).Concat(d.Tags));

    protected abstract void Index(IReadOnlyList<SearchDocument> documents);

    /// <summary>The engine's best matches, higher score better.</summary>
    protected abstract IEnumerable<(string Id, double Score)> Raw(string text);
}
