using Engine.Grains.Statistics;

namespace Engine.Tests.Search;

/// <summary>The knowledge base's gaps: words of the questions that found no good entry, as hot topics.</summary>
public sealed class GapWordsTests
{
    [Fact]
    public void A_word_counts_once_per_question_the_most_frequent_first_with_the_first_question_that_holds_it()
    {
        string[] questions = ["离婚财产怎么分割", "离婚冷静期多久", "离婚离婚财产", "执行款什么时候到账"];

        var gaps = GapWords.Top(questions, 2);

        Assert.Equal(2, gaps.Length);
        Assert.Equal(("离婚", 3L, "离婚财产怎么分割"), (gaps[0].Word, gaps[0].Questions, gaps[0].Example));
        Assert.Equal(("财产", 2L, "离婚财产怎么分割"), (gaps[1].Word, gaps[1].Questions, gaps[1].Example));
    }

    [Fact]
    public void Questions_without_words_give_no_gaps()
    {
        Assert.Empty(GapWords.Top(["", "123", "？？"], 10));
    }
}
