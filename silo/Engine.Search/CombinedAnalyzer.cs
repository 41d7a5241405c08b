namespace Engine.Search;

/// <summary>The terms of several analyzers, one after the other (words and character pairs: see
/// <see cref="KnowledgeIndexes"/>).</summary>
public sealed class CombinedAnalyzer : ITextAnalyzer
{
    private readonly ITextAnalyzer[] _analyzers;

    public CombinedAnalyzer(params ITextAnalyzer[] analyzers) => _analyzers = analyzers;

    public IReadOnlyList<string> Terms(string text) => [.. _analyzers.SelectMany(a => a.Terms(text))];
}
