using System.Text.Json;
using Engine.Search;

namespace Engine.SearchEval;

/// <summary>A labelled question: its text, the court asked and the entries that answer it (any one counts).</summary>
internal sealed record LabelledQuestion(string Text, string Court, IReadOnlyList<string> Expected);

/// <summary>The sample knowledge base, the labelled questions, the court tree, and the 10,000-entry corpus made from them.</summary>
internal sealed class Corpus
{
    private static readonly string[] Openers = ["请问", "咨询一下", "想了解", "麻烦问下", "关于"];
    private static readonly string[] Closers = ["需要注意什么", "的流程", "相关规定", "具体怎么办理", "有什么要求"];

    private readonly Dictionary<string, string?> _parents;

    private Corpus(IReadOnlyList<SearchDocument> entries, IReadOnlyList<LabelledQuestion> questions, Dictionary<string, string?> parents, Dictionary<string, string> shortNames)
    {
        Entries = entries;
        Questions = questions;
        _parents = parents;
        ShortNames = shortNames;
    }

    public IReadOnlyList<SearchDocument> Entries { get; }

    public IReadOnlyList<LabelledQuestion> Questions { get; }

    public IReadOnlyDictionary<string, string> ShortNames { get; }

    /// <summary>The repository root: the first folder holding Engine.sln above the working directory or, failing that,
    /// above this program (BenchmarkDotNet runs its benchmark process elsewhere).</summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run from the repository (no Engine.sln above the working directory).");
    }

    public static Corpus Load(string root)
    {
        using var kb = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "samples/knowledge-base.json")));
        var entries = kb.RootElement.GetProperty("entries").EnumerateArray().Select(e => new SearchDocument(
            e.GetProperty("id").GetString()!,
            1,
            e.GetProperty("question").GetString()!,
            Strings(e.GetProperty("variants")),
            e.GetProperty("answer").GetString()!,
            e.GetProperty("courtId").ValueKind == JsonValueKind.Null ? null : e.GetProperty("courtId").GetString(),
            Strings(e.GetProperty("kinds")),
            Strings(e.GetProperty("tags")))).ToArray();
        using var labelled = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "tests/data/knowledge-questions.json")));
        var questions = labelled.RootElement.GetProperty("questions").EnumerateArray().Select(q => new LabelledQuestion(
            q.GetProperty("text").GetString()!, q.GetProperty("court").GetString()!, Strings(q.GetProperty("expected")))).ToArray();
        using var courts = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "samples/shanghai-courts.json")));
        var list = courts.RootElement.GetProperty("courts").EnumerateArray().ToArray();
        return new Corpus(
            entries,
            questions,
            list.ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("parent").GetString()),
            list.ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("short").GetString()!));
    }

    /// <summary>The asking court and the courts above it.</summary>
    public SearchScope Scope(string court)
    {
        var courts = new List<string>();
        for (string? c = court; c is not null; c = _parents.GetValueOrDefault(c))
        {
            courts.Add(c);
        }

        return new SearchScope(courts);
    }

    /// <summary>
    /// <paramref name="count"/> entries made from the sample: the sample itself; then every general entry copied for each
    /// court (its question, variants and answer prefixed with the court's name, as a court that writes its own version
    /// would); then near-duplicates of general and court entries (a variant promoted to question, an opener or closer
    /// phrase added, the variants rotated), until the count is reached. Deterministic.
    /// </summary>
    public IReadOnlyList<SearchDocument> Expanded(int count)
    {
        var result = new List<SearchDocument>(Entries);
        var general = Entries.Where(e => e.CourtId is null).ToArray();
        foreach (var (court, name) in ShortNames)
        {
            foreach (var e in general)
            {
                result.Add(e with
                {
                    EntryId = $"{e.EntryId}@{court}",
                    CourtId = court,
                    Question = $"{name}法院{e.Question}",
                    Variants = [.. e.Variants.Select(v => $"{name}{v}")],
                    Answer = $"{name}法院：{e.Answer}",
                });
            }
        }

        var baseCount = result.Count;
        for (var i = 0; result.Count < count; i++)
        {
            var source = result[i % baseCount];
            var variants = source.Variants.Count == 0 ? [source.Question] : source.Variants;
            var promoted = variants[i % variants.Count];
            result.Add(source with
            {
                EntryId = $"{source.EntryId}~{i}",
                Question = $"{Openers[i % Openers.Length]}{promoted}{Closers[(i / Openers.Length) % Closers.Length]}",
                Variants = [.. variants.Skip(1).Append(source.Question)],
            });
        }

        return result.Take(count).ToArray();
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(s => s.GetString()!)];
}
