using System.Text.Json;
using Engine.Search;

namespace Engine.Tests.Fast.Search;

/// <summary>
/// The engine's index on the sample knowledge base answers the labelled questions (tests/data/knowledge-questions.json)
/// as well as measured in docs/search.md, less a margin of about ten questions: a change to the analyzer, the ranking
/// or the sample that makes answers worse fails here.
/// </summary>
public sealed class SearchQualityTests
{
    // Measured: top-1 171 of 207 (82.6 %), top-3 196 of 207 (94.7 %).
    private const double MinimumTop1 = 0.78;
    private const double MinimumTop3 = 0.90;

    private static readonly Lazy<(Bm25KnowledgeIndex Index, Question[] Questions)> Sample = new(Load);

    [Fact]
    public void The_right_entry_is_first_for_most_labelled_questions_and_among_the_first_three_for_nearly_all()
    {
        var (index, questions) = Sample.Value;
        var ranked = questions.Select(q => (q, Hits: index.Search(q.Text, Scope(q.Court), 3).Select(h => h.EntryId).ToArray())).ToArray();

        var top1 = ranked.Count(r => r.Hits.Take(1).Any(r.q.Expected.Contains)) / (double)questions.Length;
        var top3 = ranked.Count(r => r.Hits.Any(r.q.Expected.Contains)) / (double)questions.Length;

        Assert.True(questions.Length >= 200, $"{questions.Length} labelled questions");
        Assert.True(top1 >= MinimumTop1, $"top-1 {top1:P1} < {MinimumTop1:P0}");
        Assert.True(top3 >= MinimumTop3, $"top-3 {top3:P1} < {MinimumTop3:P0}");
    }

    [Fact]
    public void A_courts_own_entry_answers_its_callers_first_and_stays_hidden_from_other_courts()
    {
        var index = Sample.Value.Index;

        Assert.Equal("kb-court-pudong-001", index.Search("诉讼费怎么交", Scope("sh-pudong"), 3)[0].EntryId);
        Assert.DoesNotContain(index.Search("诉讼费怎么交", Scope("sh-huangpu"), 10), h => h.EntryId.StartsWith("kb-court-pudong", StringComparison.Ordinal));
    }

    [Fact]
    public void Words_and_character_pairs_both_count_so_a_homophone_typo_still_finds_its_entry()
    {
        Assert.Contains("诉讼费", KnowledgeIndexes.Analyzer.Terms("诉讼费怎么交"));
        Assert.Contains("讼费", KnowledgeIndexes.Analyzer.Terms("诉讼费怎么交"));

        Assert.Equal("kb-password-002", Sample.Value.Index.Search("服务蜜码丢了", SearchScope.General, 1)[0].EntryId);
    }

    [Fact]
    public void Concurrent_callers_get_the_same_words_as_one_caller()
    {
        var texts = Sample.Value.Questions.Select(q => q.Text).ToArray();
        var one = texts.Select(t => string.Join('/', KnowledgeIndexes.Analyzer.Terms(t))).ToArray();

        var many = texts.AsParallel().AsOrdered().WithDegreeOfParallelism(8).Select(t => string.Join('/', KnowledgeIndexes.Analyzer.Terms(t))).ToArray();

        Assert.Equal(one, many);
    }

    // The asking court and those above it, as the service builds a scope (samples/shanghai-courts.json).
    private static SearchScope Scope(string court) => new(court switch
    {
        "sh-high" => ["sh-high"],
        "sh-1st-int" or "sh-2nd-int" or "sh-3rd-int" or "sh-ip" or "sh-maritime" or "sh-financial" or "sh-railway-int" => [court, "sh-high"],
        "sh-pudong" or "sh-xuhui" or "sh-changning" or "sh-minhang" or "sh-jinshan" or "sh-songjiang" or "sh-fengxian" => [court, "sh-1st-int", "sh-high"],
        _ => [court, "sh-2nd-int", "sh-high"],
    });

    private static (Bm25KnowledgeIndex, Question[]) Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "search");
        using var kb = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "knowledge-base.json")));
        var index = KnowledgeIndexes.Create();
        index.Load(kb.RootElement.GetProperty("entries").EnumerateArray().Select(e => new SearchDocument(
            e.GetProperty("id").GetString()!, 1, e.GetProperty("question").GetString()!, List(e, "variants"), e.GetProperty("answer").GetString()!,
            e.GetProperty("courtId").GetString(), List(e, "kinds"), List(e, "tags"))));
        using var labelled = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "knowledge-questions.json")));
        var questions = labelled.RootElement.GetProperty("questions").EnumerateArray()
            .Select(q => new Question(q.GetProperty("text").GetString()!, q.GetProperty("court").GetString()!, List(q, "expected")))
            .ToArray();
        return (index, questions);
    }

    private static string[] List(JsonElement element, string property) => [.. element.GetProperty(property).EnumerateArray().Select(x => x.GetString()!)];

    private sealed record Question(string Text, string Court, string[] Expected);
}
