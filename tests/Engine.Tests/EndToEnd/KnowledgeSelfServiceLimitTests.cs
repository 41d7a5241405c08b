using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>The self-service search is limited per key and end user ("x-end-user"), apart from other end users.</summary>
public sealed class KnowledgeSelfServiceLimitTests
{
    [Fact]
    public async Task Public_searches_beyond_an_end_users_limit_are_refused_while_another_end_user_still_searches()
    {
        await using var engine = await EngineInstance.StartAsync(null, "--Engine:Security:PublicSearch:PerSourcePerMinute=2");
        var search = new V1.PublicSearchRequest { Text = "立案需要什么材料", Channel = V1.Channel.Kiosk };
        Metadata As(string who) => new() { { "x-end-user", who } };
        await engine.Knowledge.PublicSearchAsync(search, As("10.1.1.1"));
        await engine.Knowledge.PublicSearchAsync(search, As("10.1.1.1"));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await engine.Knowledge.PublicSearchAsync(search, As("10.1.1.1")));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.NotNull(await engine.Knowledge.PublicSearchAsync(search, As("10.2.2.2")));
    }
}

/// <summary>The knowledge base's file imported at start: beside the directory file, or named by --import-knowledge.</summary>
public sealed class KnowledgeImportAtStartTests
{
    private const string File = """
        { "format": "engine.knowledge/1",
          "entries": [ { "id": "kb-start-001", "question": "法院几点上班？", "answer": "工作日上午八点半。", "courtId": "sh-pudong", "author": "test" } ] }
        """;

    [Fact]
    public async Task A_knowledge_file_beside_the_directory_file_is_imported_with_it_and_again_changes_nothing()
    {
        using var folder = new TempDirectory();
        var directory = Path.Combine(folder.Path, "courts.json");
        await System.IO.File.WriteAllTextAsync(directory, SampleDirectory.Json);
        await System.IO.File.WriteAllTextAsync(Path.Combine(folder.Path, "knowledge-base.json"), File);
        using var data = new TempDirectory();
        await using (var engine = await EngineInstance.StartAsync(data.Path, "--import", directory))
        {
            var entry = await engine.Knowledge.GetEntryAsync(new V1.GetEntryRequest { EntryId = "kb-start-001" });
            Assert.Equal(1, entry.Entry.Version);
            Assert.Equal("engine", entry.Entry.ChangedBy);
        }

        await using var again = await EngineInstance.StartAsync(data.Path, "--import", directory);
        Assert.Single((await again.Knowledge.GetEntryAsync(new V1.GetEntryRequest { EntryId = "kb-start-001" })).Versions);
        Assert.Contains((await again.Knowledge.SearchKnowledgeAsync(new V1.SearchKnowledgeRequest { Text = "法院几点上班", CourtId = "sh-pudong" })).Hits, h => h.Entry.EntryId == "kb-start-001");
    }

    [Fact]
    public async Task A_knowledge_file_named_by_its_own_switch_is_imported()
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "kb.json");
        await System.IO.File.WriteAllTextAsync(file, File.Replace("\"courtId\": \"sh-pudong\", ", string.Empty, StringComparison.Ordinal));
        await using var engine = await EngineInstance.StartAsync(null, "--import-knowledge", file);
        Assert.Equal(1, (await engine.Knowledge.GetEntryAsync(new V1.GetEntryRequest { EntryId = "kb-start-001" })).Entry.Version);
    }
}
