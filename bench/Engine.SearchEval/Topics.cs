using System.Globalization;
using System.Text.Json;
using Engine.Domain.Stats;
using Engine.Search;

namespace Engine.SearchEval;

/// <summary>
/// Hot-topic terms by character bigrams (Engine.Domain's TopicTerms) and by words (Engine.Search's TopicWords) on the
/// labelled texts of tests/data/topic-texts.json. Precision of the top N: the share of the N most counted terms that a
/// person accepted as a topic of at least one text they came from. Per text: the share of a text's terms accepted.
/// </summary>
internal static class Topics
{
    public static void Run(string root)
    {
        using var sample = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "tests/data/topic-texts.json")));
        var texts = sample.RootElement.GetProperty("texts").EnumerateArray()
            .Select(t => (Text: t.GetProperty("text").GetString()!, Topics: t.GetProperty("topics").EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)))
            .ToArray();
        Console.WriteLine($"{texts.Length} labelled texts");
        Console.WriteLine();
        Console.WriteLine("| terms | top-10 precision | top-20 precision | per-text precision | top 10 |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var (name, of) in new (string, Func<string, IReadOnlyList<string>>)[] { ("character bigrams", TopicTerms.Of), ("jieba words", TopicWords.Of) })
        {
            var counted = texts.SelectMany(t => of(t.Text).Select(term => (Term: term, Accepted: t.Topics.Contains(term))))
                .GroupBy(p => p.Term, StringComparer.Ordinal)
                .Select(g => (Term: g.Key, Count: g.Count(), Accepted: g.Any(p => p.Accepted)))
                .OrderByDescending(g => g.Count).ThenBy(g => g.Term, StringComparer.Ordinal)
                .ToArray();
            double Precision(int n) => (double)counted.Take(n).Count(c => c.Accepted) / Math.Min(n, counted.Length);
            var perText = texts.Select(t => of(t.Text)).Zip(texts, (terms, t) => terms.Count == 0 ? 0 : (double)terms.Count(t.Topics.Contains) / terms.Count).Average();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Precision(10):P0} | {Precision(20):P0} | {perText:P0} | {string.Join(" ", counted.Take(10).Select(c => $"{c.Term}({c.Count}){(c.Accepted ? string.Empty : "✗")}"))} |"));
        }
    }
}
