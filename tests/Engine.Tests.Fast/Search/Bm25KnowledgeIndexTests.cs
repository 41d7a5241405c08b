using Engine.Search;
using Xunit;

namespace Engine.Tests.Fast.Search;

public sealed class Bm25KnowledgeIndexTests
{
    private static SearchDocument Entry(string id, string question, string answer, string? court = null, params string[] kinds) =>
        new(id, 1, question, [], answer, court, kinds, []);

    private static Bm25KnowledgeIndex Index(params SearchDocument[] documents)
    {
        var index = new Bm25KnowledgeIndex(new BigramAnalyzer());
        index.Load(documents);
        return index;
    }

    [Fact]
    public void Han_text_is_split_into_overlapping_pairs_and_latin_runs_stay_whole()
    {
        Assert.Equal(["立案", "案材", "材料", "app", "下载"], new BigramAnalyzer().Terms("立案材料，APP下载"));
    }

    [Fact]
    public void The_entry_that_shares_the_most_words_with_the_question_comes_first()
    {
        var index = Index(
            Entry("fees", "诉讼费怎么交", "可以在网上缴纳诉讼费。"),
            Entry("filing", "网上立案需要什么材料", "起诉状、身份证明和证据材料。"));

        Assert.Equal("filing", index.Search("我想网上立案，要准备哪些材料", SearchScope.General, 3)[0].EntryId);
    }

    [Fact]
    public void A_courts_own_entry_ranks_before_a_general_one_and_is_hidden_from_other_courts()
    {
        var index = Index(
            Entry("general", "诉讼费怎么交", "可以在网上缴纳诉讼费。"),
            Entry("pudong", "诉讼费怎么交", "浦东法院诉讼费可在诉讼服务中心缴纳。", "sh-pudong"));

        Assert.Equal(["pudong", "general"], index.Search("诉讼费怎么交", new SearchScope(["sh-pudong", "sh-high"]), 3).Select(h => h.EntryId));
        Assert.Equal(["general"], index.Search("诉讼费怎么交", new SearchScope(["sh-huangpu", "sh-high"]), 3).Select(h => h.EntryId));
    }

    [Fact]
    public void A_kind_filter_keeps_entries_of_that_kind_and_entries_of_any_kind()
    {
        var index = Index(
            Entry("any", "开庭时间怎么查", "登录诉讼服务网查询。"),
            Entry("inquiry", "开庭时间怎么查询", "拨打12368查询。", null, "CASE_INQUIRY"),
            Entry("complaint", "开庭时间被改了", "可以投诉。", null, "COMPLAINT"));

        var found = index.Search("开庭时间", new SearchScope([], "CASE_INQUIRY"), 5).Select(h => h.EntryId).ToArray();

        Assert.Contains("any", found);
        Assert.Contains("inquiry", found);
        Assert.DoesNotContain("complaint", found);
    }

    [Fact]
    public void An_older_version_does_not_replace_a_newer_one_and_a_removed_entry_is_not_found()
    {
        var index = Index(Entry("fees", "诉讼费怎么交", "网上缴纳。") with { Version = 3 });
        index.Upsert(Entry("fees", "调解怎么申请", "找调解员。") with { Version = 2 });
        Assert.Equal(3, Assert.Single(index.Search("诉讼费", SearchScope.General, 3)).Version);

        index.Remove("fees");

        Assert.Empty(index.Search("诉讼费", SearchScope.General, 3));
        Assert.Equal(0, index.Count);
    }
}
