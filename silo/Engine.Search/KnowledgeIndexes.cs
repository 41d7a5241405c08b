namespace Engine.Search;

/// <summary>The engine's knowledge index and analyzer: the ones measured best in docs/search.md (decision 51).</summary>
public static class KnowledgeIndexes
{
    /// <summary>
    /// The analyzer of knowledge search: jieba.NET's words (search mode) and, beside them, the character pairs of
    /// <see cref="BigramAnalyzer"/>. The words carry the meaning and rank whole-word matches first; the pairs still match
    /// when the segmenter splits a question differently from the entry, or a caller types a homophone or a word the
    /// dictionary lacks. (Hot topics use words alone: <see cref="TopicWords"/>.)
    /// </summary>
    public static ITextAnalyzer Analyzer { get; } = new CombinedAnalyzer(new JiebaAnalyzer(), new BigramAnalyzer());

    /// <summary>A new, empty index: in-memory BM25 over <see cref="Analyzer"/>'s terms. Fill it with
    /// <see cref="Bm25KnowledgeIndex.Load"/> at start and keep it current with Upsert and Remove.</summary>
    public static Bm25KnowledgeIndex Create() => new(Analyzer);

    /// <summary>Loads the segmentation dictionary now (about a second, once per process) rather than in the first
    /// search or the first counted ticket.</summary>
    public static void Warm() => Analyzer.Terms("立案");
}
