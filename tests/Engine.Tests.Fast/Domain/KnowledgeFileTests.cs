using Engine.Contracts;
using Engine.Domain;
using Engine.Grains.Knowledge;
using Engine.ProtoMapping;
using Xunit;

namespace Engine.Tests.Fast.Domain;

/// <summary>The knowledge base's JSON format "engine.knowledge/1" and the rules an entry's content keeps.</summary>
public sealed class KnowledgeFileTests
{
    private const string Sample = """
        { "format": "engine.knowledge/1",
          "entries": [ { "id": "kb-filing-001", "question": "网上立案需要准备哪些材料？",
                         "variants": ["网上起诉要交什么材料", "网上立案要什么"], "answer": "起诉状、身份证明、证据。",
                         "kinds": ["CONSULTATION"], "subKinds": ["CONSULTATION_PROCEDURE"], "tags": ["立案"],
                         "courtId": null, "effectiveFrom": "2026-01-01", "effectiveTo": null, "author": "sample" },
                       { "id": "kb-pudong-001", "question": "浦东法院在哪里？", "answer": "丁香路。", "courtId": "sh-pudong" } ] }
        """;

    [Fact]
    public void The_agreed_format_is_read_and_written_back_to_the_same_entries()
    {
        var entries = KnowledgeMapping.ParseFile(Sample);
        Assert.Equal(["kb-filing-001", "kb-pudong-001"], entries.Select(e => e.EntryId));
        var filing = entries[0].Content;
        Assert.Equal([TicketKind.Consultation], filing.Kinds.ToArray());
        Assert.Equal([TicketSubKind.ConsultationProcedure], filing.SubKinds.ToArray());
        Assert.Equal(new DateOnly(2026, 1, 1), filing.EffectiveFrom);
        Assert.Null(filing.CourtId);
        Assert.Empty(entries[1].Content.Kinds);
        Assert.Equal("sh-pudong", entries[1].Content.CourtId);

        var written = KnowledgeMapping.WriteFile(entries.Select((e, i) => new KnowledgeEntry(e.EntryId, 1, e.Content, false, DateTimeOffset.UnixEpoch, "t", i)));
        Assert.Contains("\"CONSULTATION_PROCEDURE\"", written, StringComparison.Ordinal);
        var again = KnowledgeMapping.ParseFile(written);
        Assert.All(entries.Zip(again), pair => Assert.True(pair.First.Content.SameAs(pair.Second.Content)));
    }

    /// <summary>The sample imported with samples/shanghai-courts.json at every start of the README's run command: one
    /// entry that broke a rule stopped the engine's start.</summary>
    [Fact]
    public void The_shipped_sample_knowledge_base_keeps_every_rule()
    {
        var entries = KnowledgeMapping.ParseFile(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "search", "knowledge-base.json")));

        Assert.True(entries.Length >= 100, $"the sample has {entries.Length} entries");
        Assert.Equal(entries.Length, entries.Select(e => e.EntryId).Distinct().Count());
    }

    [Theory]
    [InlineData("""{ "format": "other/1", "entries": [] }""", "format")]
    [InlineData("""{ "format": "engine.knowledge/1" }""", "entries")]
    [InlineData("""{ "format": "engine.knowledge/1", "entries": [ { "id": "a b", "question": "q", "answer": "a" } ] }""", "entries[0].id")]
    [InlineData("""{ "format": "engine.knowledge/1", "entries": [ { "id": "a", "question": "q", "answer": "a", "kinds": ["NOPE"] } ] }""", "entries[0].kinds[0]")]
    [InlineData("""{ "format": "engine.knowledge/1", "entries": [ { "id": "a", "question": "q", "answer": "a", "effectiveTo": "2026-13-01" } ] }""", "entries[0].effectiveTo")]
    [InlineData("""{ "format": "engine.knowledge/1", "entries": [ { "id": "a", "question": "q", "answer": "" } ] }""", "entries[0].answer")]
    [InlineData("""{ "format": "engine.knowledge/1", "entries": [ { "id": "a", "question": "q", "answer": "a" }, { "id": "a", "question": "q", "answer": "a" } ] }""", "entries[1].id")]
    [InlineData("""{ "format": "engine.knowledge/1", "entries": [ { "id": "a", "question": "q", "answer": "a", "kinds": ["SUGGESTION"], "subKinds": ["CONSULTATION_OTHER"] } ] }""", "entries[0].subKinds[0]")]
    [InlineData("not json", "json")]
    public void A_bad_file_is_refused_naming_the_field(string json, string field)
    {
        var refused = Assert.Throws<FormatException>(() => KnowledgeMapping.ParseFile(json));
        Assert.StartsWith(field + ":", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_is_effective_between_its_dates_both_included()
    {
        var content = KnowledgeMapping.ParseFile(Sample)[0].Content with { EffectiveTo = new DateOnly(2026, 6, 30) };
        Assert.False(content.IsEffectiveOn(new DateOnly(2025, 12, 31)));
        Assert.True(content.IsEffectiveOn(new DateOnly(2026, 1, 1)));
        Assert.True(content.IsEffectiveOn(new DateOnly(2026, 6, 30)));
        Assert.False(content.IsEffectiveOn(new DateOnly(2026, 7, 1)));
    }

    [Fact]
    public void Knowledge_settings_out_of_range_are_named()
    {
        var result = new KnowledgeOptionsValidator().Validate(null, new KnowledgeOptions { RefreshInterval = TimeSpan.Zero, GoodScore = -1, SuggestionsOnSubmit = 4 });
        Assert.True(result.Failed);
        Assert.Contains("Engine:Knowledge:RefreshInterval", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Engine:Knowledge:GoodScore", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Engine:Knowledge:SuggestionsOnSubmit", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new KnowledgeOptionsValidator().Validate(null, new KnowledgeOptions()).Succeeded);
    }
}
