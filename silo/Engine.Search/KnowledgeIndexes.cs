namespace Engine.Search;

/// <summary>The engine's knowledge index and analyzer: the ones measured best in docs/search.md.</summary>
public static class KnowledgeIndexes
{
    /// <summary>The analyzer for knowledge search and hot topics (jieba.NET words, search mode).</summary>
    public static ITextAnalyzer Analyzer { get; } = new JiebaAnalyzer();

    /// <summary>A new, empty index: BM25 over <see cref="Analyzer"/>'s words.</summary>
    public static Bm25KnowledgeIndex Create() => new Bm25KnowledgeIndex(Analyzer);
}
