using System.Diagnostics;
using System.Globalization;
using Engine.Search;

namespace Engine.SearchEval;

/// <summary>Every knowledge-search candidate on the labelled questions (top-1, top-3) and over a large corpus (top-3,
/// latency, load time): the table of docs/search.md.</summary>
internal static class Candidates
{
    public static void Run(string root, int entries, int rounds, string? only, bool misses)
    {
        var corpus = Corpus.Load(root);
        var large = corpus.Expanded(entries);
        using var postgres = only is null || only.StartsWith("pg", StringComparison.Ordinal) ? new PostgresServer(root) : null;

        var jieba = new JiebaAnalyzer();
        Candidate[] candidates =
        [
            new("bigram-bm25", () => new Bm25KnowledgeIndex(new BigramAnalyzer()), "character pairs, in-memory BM25 (the baseline)"),
            new("jieba-accurate-bm25", () => new Bm25KnowledgeIndex(new JiebaAnalyzer(searchMode: false)), "jieba.NET accurate mode, in-memory BM25"),
            new("jieba-search-bm25", () => new Bm25KnowledgeIndex(jieba), "jieba.NET search mode, in-memory BM25"),
            new("jieba+bigram-bm25", KnowledgeIndexes.Create, "jieba search-mode words and character pairs, in-memory BM25 (chosen: KnowledgeIndexes.Create)"),
            new("lucene-smartcn", () => new LuceneIndex(), "Lucene.Net 4.8 beta00017, SmartCn, BM25, RAMDirectory"),
            new("sqlite-fts5-trigram", () => new SqliteFtsIndex(null), "SQLite FTS5 trigram tokenizer, bm25()"),
            new("sqlite-fts5-jieba", () => new SqliteFtsIndex(jieba), "SQLite FTS5 over jieba-segmented text, bm25()"),
            new("pg-trgm", () => new PostgresIndex(postgres!, null), "PostgreSQL 15 pg_trgm word_similarity, GIN"),
            new("pg-tsvector-jieba", () => new PostgresIndex(postgres!, jieba), "PostgreSQL 15 'simple' tsvector of jieba words, ts_rank, GIN"),
        ];

        jieba.Terms("预热");
        Console.WriteLine($"{corpus.Entries.Count} entries, {corpus.Questions.Count} questions; latency over {large.Count} entries, {rounds} rounds of the questions; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| candidate | top-1 | top-3 | top-3 at 10k | p50 ms | p99 ms | load 10k s | notes |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var candidate in candidates.Where(c => only is null || c.Name == only))
        {
            var (top1, top3) = Accuracy(corpus, candidate, corpus.Entries, BaseId: false, misses);
            var watch = Stopwatch.StartNew();
            var index = candidate.Create();
            Load(index, large);
            var load = watch.Elapsed.TotalSeconds;
            var (_, top3Large) = Accuracy(corpus, index, large, BaseId: true, misses);
            var times = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                foreach (var q in corpus.Questions)
                {
                    var scope = corpus.Scope(q.Court);
                    var start = Stopwatch.GetTimestamp();
                    index.Search(q.Text, scope, 3);
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }

            (index as IDisposable)?.Dispose();
            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {candidate.Name} | {top1:P1} | {top3:P1} | {top3Large:P1} | {Percentile(times, 0.5):F2} | {Percentile(times, 0.99):F2} | {load:F1} | {candidate.Notes} |"));
        }

        }

        private static (double Top1, double Top3) Accuracy(Corpus corpus, object source, IReadOnlyList<SearchDocument> documents, bool BaseId, bool misses)
        {
            IKnowledgeIndex index;
            if (source is Candidate c)
            {
                index = c.Create();
                Load(index, documents);
            }
            else
            {
                index = (IKnowledgeIndex)source;
            }

            int one = 0, three = 0;
            foreach (var q in corpus.Questions)
            {
                var hits = index.Search(q.Text, corpus.Scope(q.Court), 3).Select(h => BaseId ? Base(h.EntryId) : h.EntryId).ToArray();
                one += hits.Take(1).Any(q.Expected.Contains) ? 1 : 0;
                three += hits.Any(q.Expected.Contains) ? 1 : 0;
            }

            if (misses)
            {
                foreach (var q in corpus.Questions)
                {
                    var hits = index.Search(q.Text, corpus.Scope(q.Court), 3);
                    if (!hits.Take(1).Any(h => q.Expected.Contains(BaseId ? Base(h.EntryId) : h.EntryId)))
                    {
                        Console.WriteLine($"  miss: {q.Text} [{string.Join(',', q.Expected)}] -> {string.Join(", ", hits.Select(h => h.EntryId))}");
                    }
                }
            }

            if (source is Candidate)
            {
                (index as IDisposable)?.Dispose();
            }

            return ((double)one / corpus.Questions.Count, (double)three / corpus.Questions.Count);
        }

        private static string Base(string id) => id.Split('@', '~')[0];

        private static void Load(IKnowledgeIndex index, IReadOnlyList<SearchDocument> documents)
        {
            switch (index)
            {
                case Bm25KnowledgeIndex bm25:
                    bm25.Load(documents);
                    break;
                case ExternalIndex external:
                    external.Load(documents);
                    break;
                default:
                    throw new InvalidOperationException(index.GetType().Name);
            }
        }

        private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
