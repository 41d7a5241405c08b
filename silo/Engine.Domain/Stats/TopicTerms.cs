namespace Engine.Domain.Stats;

/// <summary>
/// The terms of a caller's text for hot topics. Chinese has no spaces between words, so a term is any two adjacent
/// Chinese characters (a character bigram): most two-character words ("执行", "开庭", "立案") come out whole, and a
/// topic that people ask about often rises above the noise of bigrams that straddle two words. Each term counts once
/// per text. Bigrams that carry no topic (greetings, pronouns, question words) are left out.
/// </summary>
public static class TopicTerms
{
    /// <summary>Only the start of a long text is read: topics are stated early, and a pasted document must not cost
    /// thousands of counters.</summary>
    public const int MaxCharacters = 400;

    private static readonly HashSet<string> Stop = new(StringComparer.Ordinal)
    {
        "请问", "你好", "您好", "谢谢", "感谢", "麻烦", "一下", "什么", "怎么", "怎样", "如何", "为何", "为什么", "可以",
        "是否", "能否", "已经", "现在", "目前", "这个", "那个", "哪一", "一步", "我们", "你们", "他们", "我的", "您的",
        "没有", "时候", "因为", "所以", "但是", "还是", "或者", "如果", "需要", "希望", "问题", "情况", "一个", "这样",
        "那么", "知道", "告诉", "的话", "了吗", "是不", "不是", "多久", "何时",
    };

    /// <summary>The distinct terms of <paramref name="text"/>, in order of first appearance.</summary>
    public static IReadOnlyList<string> Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var span = text.AsSpan(0, Math.Min(text.Length, MaxCharacters));
        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < span.Length; i++)
        {
            if (!IsHan(span[i]) || !IsHan(span[i + 1]))
            {
                continue;
            }

            var term = new string(span.Slice(i, 2));
            if (!Stop.Contains(term) && seen.Add(term))
            {
                terms.Add(term);
            }
        }

        return terms;
    }

    /// <summary>CJK unified ideographs (the basic block and extension A); surrogate pairs of the rarer extensions
    /// are not counted.</summary>
    public static bool IsHan(char c) => c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF');
}
