namespace Engine.Search;

/// <summary>
/// The terms of a caller's text for hot topics, as words: jieba.NET's accurate segmentation (one best split, so a
/// phrase counts once and not also as its parts), without <see cref="JiebaAnalyzer.StopWords"/>, single characters and
/// terms without a Chinese character (numbers, case-number pieces). Each term counts once per text. Measured against
/// character bigrams in docs/search.md (decision 53).
/// </summary>
public static class TopicWords
{
    /// <summary>Only the start of a long text is read: topics are stated early, and a pasted document must not cost
    /// thousands of counters.</summary>
    public const int MaxCharacters = 400;

    private static readonly JiebaAnalyzer Words = new(searchMode: false, JiebaAnalyzer.StopWords);

    /// <summary>The distinct terms of <paramref name="text"/>, in order of first appearance.</summary>
    public static IReadOnlyList<string> Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        return [.. Words.Terms(text[..Math.Min(text.Length, MaxCharacters)])
            .Where(w => w.Length >= 2 && w.Any(BigramAnalyzer.IsHan))
            .Distinct(StringComparer.Ordinal)];
    }
}
