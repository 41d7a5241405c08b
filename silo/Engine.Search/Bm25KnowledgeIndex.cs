using System.Buffers;
using System.Collections.Frozen;

namespace Engine.Search;

/// <summary>
/// Okapi BM25 over the terms of an <see cref="ITextAnalyzer"/>, in memory. The question, variants and tags are one
/// field, the answer another with less weight. Each posting carries its entry's precomputed term weight, so a search
/// only adds weights into an array: its cost is the length of the query terms' posting lists. Changes rebuild a
/// snapshot and swap it, so searches never lock.
/// </summary>
public sealed class Bm25KnowledgeIndex : IKnowledgeIndex
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const double AnswerWeight = 0.3;

    /// <summary>A court's own entry's score is multiplied by this: it comes first unless a general entry matches clearly
    /// better (docs/search.md).</summary>
    internal const double OwnCourtBoost = 1.5;

    private readonly ITextAnalyzer _analyzer;
    private readonly Lock _write = new();
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public Bm25KnowledgeIndex(ITextAnalyzer analyzer) => _analyzer = analyzer;

    public int Count => _snapshot.Entries.Length;

    public void Upsert(SearchDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var entry = Analyse(document);
        lock (_write)
        {
            var entries = _snapshot.Entries.ToDictionary(e => e.Document.EntryId, StringComparer.Ordinal);
            if (entries.TryGetValue(document.EntryId, out var old) && old.Document.Version > document.Version)
            {
                return;
            }

            entries[document.EntryId] = entry;
            _snapshot = Snapshot.Of(entries.Values);
        }
    }

    public void Remove(string entryId)
    {
        lock (_write)
        {
            var entries = _snapshot.Entries.ToDictionary(e => e.Document.EntryId, StringComparer.Ordinal);
            if (entries.Remove(entryId))
            {
                _snapshot = Snapshot.Of(entries.Values);
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
            _snapshot = Snapshot.Of(entries.Values);
        }
    }

    public IReadOnlyList<SearchHit> Search(string text, SearchScope scope, int top)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(scope);
        var snapshot = _snapshot;
        if (top <= 0 || snapshot.Entries.Length == 0)
        {
            return [];
        }

        var scores = ArrayPool<double>.Shared.Rent(snapshot.Entries.Length);
        Array.Clear(scores, 0, snapshot.Entries.Length);
        var touched = new List<int>();
        try
        {
            foreach (var term in _analyzer.Terms(text).Distinct(StringComparer.Ordinal))
            {
                if (!snapshot.Postings.TryGetValue(term, out var postings))
                {
                    continue;
                }

                var idf = Math.Log(1 + ((snapshot.Entries.Length - postings.Length + 0.5) / (postings.Length + 0.5)));
                foreach (var posting in postings)
                {
                    if (scores[posting.Entry] == 0)
                    {
                        touched.Add(posting.Entry);
                    }

                    scores[posting.Entry] += posting.Weight * idf;
                }
            }

            var best = new PriorityQueue<Entry, (double Score, string Id)>(top + 1, Ranking.Instance);
            foreach (var ordinal in touched)
            {
                var entry = snapshot.Entries[ordinal];
                if (!Applies(entry.Document, scope))
                {
                    continue;
                }

                var score = entry.Document.CourtId is null ? scores[ordinal] : scores[ordinal] * OwnCourtBoost;
                best.Enqueue(entry, (score, entry.Document.EntryId));
                if (best.Count > top)
                {
                    best.Dequeue();
                }
            }

            var hits = new SearchHit[best.Count];
            for (var i = hits.Length - 1; i >= 0; i--)
            {
                best.TryDequeue(out var entry, out var rank);
                hits[i] = new SearchHit(entry!.Document.EntryId, entry.Document.Version, rank.Score);
            }

            return hits;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
        }
    }

    private static bool Applies(SearchDocument document, SearchScope scope) =>
        (document.CourtId is null || scope.Courts.Contains(document.CourtId, StringComparer.Ordinal))
        && (scope.Kind is null || document.Kinds.Count == 0 || document.Kinds.Contains(scope.Kind, StringComparer.Ordinal));

    private Entry Analyse(SearchDocument document)
    {
        var question = document.Variants.Prepend(document.Question).Concat(document.Tags).SelectMany(_analyzer.Terms).ToArray();
        var answer = _analyzer.Terms(document.Answer);
        return new Entry(document, Frequencies(question), question.Length, Frequencies(answer), answer.Count);
    }

    private static FrozenDictionary<string, int> Frequencies(IEnumerable<string> terms) =>
        terms.GroupBy(t => t, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private sealed record Entry(SearchDocument Document, FrozenDictionary<string, int> QuestionTerms, int QuestionLength, FrozenDictionary<string, int> AnswerTerms, int AnswerLength);

    /// <summary>An entry (its ordinal in the snapshot) that holds a term, with the term's BM25 weight in it before idf.</summary>
    private readonly record struct Posting(int Entry, double Weight);

    /// <summary>Worst first (the queue drops its minimum): lower score, then the later id (ties go to the earlier id).</summary>
    private sealed class Ranking : IComparer<(double Score, string Id)>
    {
        public static Ranking Instance { get; } = new();

        public int Compare((double Score, string Id) x, (double Score, string Id) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(y.Id, x.Id);
        }
    }

    private sealed record Snapshot(Entry[] Entries, FrozenDictionary<string, Posting[]> Postings)
    {
        public static Snapshot Empty { get; } = new([], FrozenDictionary<string, Posting[]>.Empty);

        public static Snapshot Of(IEnumerable<Entry> all)
        {
            var entries = all.ToArray();
            if (entries.Length == 0)
            {
                return Empty;
            }

            var averageQuestion = entries.Average(e => e.QuestionLength);
            var averageAnswer = entries.Average(e => e.AnswerLength);
            var postings = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
            for (var i = 0; i < entries.Length; i++)
            {
                var entry = entries[i];
                foreach (var term in entry.QuestionTerms.Keys.Union(entry.AnswerTerms.Keys, StringComparer.Ordinal))
                {
                    var weight = Field(entry.QuestionTerms, entry.QuestionLength, averageQuestion, term)
                        + (AnswerWeight * Field(entry.AnswerTerms, entry.AnswerLength, averageAnswer, term));
                    if (!postings.TryGetValue(term, out var list))
                    {
                        postings[term] = list = [];
                    }

                    list.Add(new Posting(i, weight));
                }
            }

            return new Snapshot(entries, postings.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
        }

        private static double Field(FrozenDictionary<string, int> terms, int length, double average, string term)
        {
            if (!terms.TryGetValue(term, out var frequency))
            {
                return 0;
            }

            return frequency * (K1 + 1) / (frequency + (K1 * (1 - B + (B * length / Math.Max(average, 1)))));
        }
    }
}
