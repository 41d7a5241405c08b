using BenchmarkDotNet.Attributes;
using Engine.Search;

namespace Engine.SearchEval;

/// <summary>
/// One knowledge search with the engine's index (<see cref="KnowledgeIndexes.Create"/>) over 10,000 entries
/// (<see cref="Corpus.Expanded"/>): each operation is the next labelled question, asked from its court, top 3; the
/// target is p99 at most 10 ms (per-search percentiles: Program's table). Run: docs/search.md.
/// </summary>
[MemoryDiagnoser]
public class SearchBenchmarks
{
    private Bm25KnowledgeIndex _index = null!;
    private (string Text, SearchScope Scope)[] _questions = null!;
    private int _next;

    [Params(10_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Corpus.Load(Corpus.FindRoot());
        _index = KnowledgeIndexes.Create();
        _index.Load(corpus.Expanded(Entries));
        _questions = [.. corpus.Questions.Select(q => (q.Text, corpus.Scope(q.Court)))];
    }

    [Benchmark]
    public int Search()
    {
        var (text, scope) = _questions[_next++ % _questions.Length];
        return _index.Search(text, scope, 3).Count;
    }
}
