using System.Collections.Frozen;

namespace Engine.Search;

/// <summary>
/// Okapi BM25 over the terms of an <see cref="ITextAnalyzer"/>, in memory. The question, variants and tags are one
/// field, the answer another with less weight. Changes copy the (small) posting lists they touch and swap a snapshot,
/// so searches never lock.
/// </summary>
public sealed class Bm25KnowledgeIndex : IKnowledgeIndex
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const double AnswerWeight = 0.3;
    private const double OwnCourtBoost = 1.2;

    private readonly ITextAnalyzer _analyzer;
    private readonly Lock _write = new();
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public Bm25KnowledgeIndex(ITextAnalyzer analyzer) => _analyzer = analyzer;

    public int Count => _snapshot.Entries.Count;

    public void Upsert(SearchDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var entry = Analyse(document);
        lock (_write)
        {
            var entries = new Dictionary<string, Entry>(_snapshot.Entries);
            if (entries.TryGetValue(document.EntryId, out var old) && old.Document.Version > document.Version)
            {
                return;
            }

            entries[document.EntryId] = entry;
            _snapshot = Snapshot.Of(entries);
        }
    }

    public void Remove(string entryId)
    {
        lock (_write)
        {
            var entries = new Dictionary<string, Entry>(_snapshot.Entries);
            if (entries.Remove(entryId))
            {
                _snapshot = Snapshot.Of(entries);
            }
        }
    }

    /// <summary>Replaces the whole content at once (a silo's start).</summary>
    public void Load(IEnumerable<SearchDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var entries = documents.Select(Analyse).ToDictionary(e => e.Document.EntryId, StringComparer.Ordinal);
        lock (_write)
        {
            _snapshot = Snapshot.Of(entries);
        }
    }

    public IReadOnlyList<SearchHit> Search(string text, SearchScope scope, int top)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(scope);
        var snapshot = _snapshot;
        if (top <= 0 || snapshot.Entries.Count == 0)
        {
            return [];
        }

        var scores = new Dictionary<Entry, double>();
        foreach (var term in _analyzer.Terms(text).Distinct(StringComparer.Ordinal))
        {
            if (!snapshot.Postings.TryGetValue(term, out var postings))
            {
                continue;
            }

            var idf = Math.Log(1 + ((snapshot.Entries.Count - postings.Length + 0.5) / (postings.Length + 0.5)));
            foreach (var entry in postings)
            {
                var score = (Field(entry.QuestionTerms, entry.QuestionLength, snapshot.AverageQuestion, term)
                    + (AnswerWeight * Field(entry.AnswerTerms, entry.AnswerLength, snapshot.AverageAnswer, term))) * idf;
                scores[entry] = scores.GetValueOrDefault(entry) + score;
            }
        }

        return scores
            .Where(s => Applies(s.Key.Document, scope))
            .Select(s => (Entry: s.Key, Score: s.Key.Document.CourtId is null ? s.Value : s.Value * OwnCourtBoost))
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Entry.Document.EntryId, StringComparer.Ordinal)
            .Take(top)
            .Select(s => new SearchHit(s.Entry.Document.EntryId, s.Entry.Document.Version, s.Score))
            .ToArray();
    }

    private static bool Applies(SearchDocument document, SearchScope scope) =>
        (document.CourtId is null || scope.Courts.Contains(document.CourtId, StringComparer.Ordinal))
        && (scope.Kind is null || document.Kinds.Count == 0 || document.Kinds.Contains(scope.Kind, StringComparer.Ordinal));

    private static double Field(FrozenDictionary<string, int> terms, int length, double average, string term)
    {
        if (!terms.TryGetValue(term, out var frequency))
        {
            return 0;
        }

        return frequency * (K1 + 1) / (frequency + (K1 * (1 - B + (B * length / Math.Max(average, 1)))));
    }

    private Entry Analyse(SearchDocument document)
    {
        var question = document.Variants.Prepend(document.Question).Concat(document.Tags).SelectMany(_analyzer.Terms).ToArray();
        var answer = _analyzer.Terms(document.Answer);
        return new Entry(document, Frequencies(question), question.Length, Frequencies(answer), answer.Count);
    }

    private static FrozenDictionary<string, int> Frequencies(IEnumerable<string> terms) =>
        terms.GroupBy(t => t, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private sealed record Entry(SearchDocument Document, FrozenDictionary<string, int> QuestionTerms, int QuestionLength, FrozenDictionary<string, int> AnswerTerms, int AnswerLength);

    private sealed record Snapshot(IReadOnlyDictionary<string, Entry> Entries, IReadOnlyDictionary<string, Entry[]> Postings, double AverageQuestion, double AverageAnswer)
    {
        public static Snapshot Empty { get; } = new(new Dictionary<string, Entry>(), new Dictionary<string, Entry[]>(), 0, 0);

        public static Snapshot Of(Dictionary<string, Entry> entries)
        {
            var postings = entries.Values
                .SelectMany(e => e.QuestionTerms.Keys.Concat(e.AnswerTerms.Keys).Distinct(StringComparer.Ordinal).Select(t => (Term: t, Entry: e)))
                .GroupBy(p => p.Term, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Entry).ToArray(), StringComparer.Ordinal);
            return entries.Count == 0
                ? Empty
                : new Snapshot(entries, postings, entries.Values.Average(e => e.QuestionLength), entries.Values.Average(e => e.AnswerLength));
        }
    }
}
