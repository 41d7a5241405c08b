using Engine.Search;

namespace Engine.Tests.Fast.Search;

public sealed class TopicWordsTests
{
    [Fact]
    public void A_text_gives_its_words_once_each_without_stop_words_single_characters_or_numbers()
    {
        Assert.Equal(["强制执行", "执行", "到位"], TopicWords.Of("请问申请强制执行后多久能执行到位？强制执行"));
        Assert.Equal(["执行款", "发放"], TopicWords.Of("（2026）沪0112执3345号 执行款什么时候发放"));
    }

    [Fact]
    public void Only_the_start_of_a_long_text_is_read_and_an_empty_text_has_no_terms()
    {
        Assert.DoesNotContain("开庭", TopicWords.Of(new string('。', TopicWords.MaxCharacters) + "开庭"));
        Assert.Empty(TopicWords.Of(null));
        Assert.Empty(TopicWords.Of(string.Empty));
    }
}
