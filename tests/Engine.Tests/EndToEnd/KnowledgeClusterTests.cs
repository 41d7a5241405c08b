using Engine.Tests.Support;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Two silos on one PostgreSQL database: a knowledge entry created, changed or retired through one silo is
/// searched accordingly through the other within its refresh interval, without a restart.</summary>
public sealed class KnowledgeClusterTests
{
    [Fact]
    public async Task An_entry_created_through_one_silo_is_found_through_the_other()
    {
        var connection = PostgresServer.Shared.CreateDatabase();
        string[] cluster = ["--storage", "postgres", "--connection", connection, "--cluster-id", "knowledge-" + Guid.NewGuid().ToString("N")[..8]];
        await using var first = await EngineInstance.StartAsync(null, cluster);
        await using var second = await EngineInstance.StartAsync(null, cluster);
        await first.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });

        var content = KnowledgeBaseTests.Content("强制执行申请书怎么写？", "写明申请人、被执行人和执行依据。", "sh-1st-int");
        await first.Knowledge.CreateEntryAsync(new V1.CreateEntryRequest { EntryId = "kb-exec-001", Content = content });

        var ask = new V1.SearchKnowledgeRequest { Text = "申请强制执行的申请书如何写", CourtId = "sh-pudong" };
        await Eventually.TrueAsync(
            async () => (await second.Knowledge.SearchKnowledgeAsync(ask)).Hits.Any(h => h.Entry.EntryId == "kb-exec-001"),
            "the second silo to find the entry made through the first");

        content.Answer = "写明申请人、被执行人、执行依据和请求事项。";
        await second.Knowledge.UpdateEntryAsync(new V1.UpdateEntryRequest { EntryId = "kb-exec-001", ExpectedVersion = 1, Content = content });
        await Eventually.TrueAsync(
            async () => (await first.Knowledge.SearchKnowledgeAsync(ask)).Hits.SingleOrDefault(h => h.Entry.EntryId == "kb-exec-001")?.Entry.Version == 2,
            "the first silo to find the second version");

        await first.Knowledge.RetireEntryAsync(new V1.RetireEntryRequest { EntryId = "kb-exec-001", ExpectedVersion = 2 });
        await Eventually.TrueAsync(
            async () => (await second.Knowledge.SearchKnowledgeAsync(ask)).Hits.All(h => h.Entry.EntryId != "kb-exec-001"),
            "the second silo to stop finding the retired entry");
    }
}
