using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Issue 24, the catalogue of public progress nodes: RecordNode and UpsertCase take a node type of the case's
/// court's catalogue (built in, with a file's per-court overrides), refuse any other naming the field and what is
/// allowed, and LookupCase shows the court's names and hides what the court does not call public.</summary>
public sealed class ProgressNodeCatalogueTests
{
    private const string Court = "sh-jingan";
    private const string Password = "test-password-1";

    private const string Overrides = """
        {
          "courts": {
            "sh-jingan": [
              { "id": "HEARING_SCHEDULED", "name": "排期" },
              { "id": "SERVED", "public": false },
              { "id": "ONLINE_HEARING", "name": "在线庭审", "template": "node.online_hearing" }
            ]
          }
        }
        """;

    [Fact]
    public async Task A_court_s_catalogue_decides_which_nodes_are_taken_how_they_are_named_and_which_a_party_sees()
    {
        using var files = new TempDirectory();
        var file = Path.Combine(files.Path, "nodes.json");
        await File.WriteAllTextAsync(file, Overrides);
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync("--nodes", file);
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", null));
        using var announced = new V1.EventService.EventServiceClient(engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { CourtIds = { Court }, EventTypes = { "case.node_recorded" } },
        });

        var refused = await RpcAssert.InvalidFieldAsync("node.node_type", async () => await RecordAsync(engine, caseNumber, new V1.CaseNode { NodeType = "SMALL_CLAIMS" }));
        Assert.Contains("allowed: FILED, FEE_PAID", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("ONLINE_HEARING", refused.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.InvalidFieldAsync("node.type", async () =>
            await RecordAsync(engine, caseNumber, new V1.CaseNode { NodeType = "FILED", Type = V1.CaseNodeType.Judged }));
        await RpcAssert.InvalidFieldAsync("case.nodes[1].node_type", async () =>
        {
            var upsert = Requests.Case(caseNumber, Court, "civil-1", null);
            upsert.Case.Nodes.Add(Node("FILED", 0));
            upsert.Case.Nodes.Add(Node("NOT_A_NODE", 1));
            await engine.Cases.UpsertCaseAsync(upsert);
        });

        await RecordAsync(engine, caseNumber, Node("FILED", 0));
        await RecordAsync(engine, caseNumber, new V1.CaseNode { Type = V1.CaseNodeType.HearingScheduled, At = At(1), Public = true });
        await RecordAsync(engine, caseNumber, Node("SERVED", 2));
        var online = await RecordAsync(engine, caseNumber, Node("ONLINE_HEARING", 3));
        await RecordAsync(engine, caseNumber, Node("PANEL_DELIBERATED", 4));

        Assert.Equal(V1.CaseNodeType.Other, online.Case.Nodes[^1].Type);
        Assert.Equal("ONLINE_HEARING", online.Case.Nodes[^1].NodeType);
        Assert.Equal("HEARING_SCHEDULED", online.Case.Nodes[1].NodeType);
        var found = await engine.Cases.LookupCaseAsync(new V1.LookupCaseRequest { CaseNumber = caseNumber, Phone = Requests.FakePhone, ServicePassword = Password });
        Assert.Equal(["FILED", "HEARING_SCHEDULED", "ONLINE_HEARING"], found.PublicNodes.Select(n => n.NodeType));
        Assert.Equal(["立案", "排期", "在线庭审"], found.PublicNodes.Select(n => n.Name));

        var events = await EventStreams.ReadEventsAsync(announced, e => e.Count(x => x.AggregateId == caseNumber) == 5);
        var recorded = events.Select(e => e.Payload.Unpack<V1.CaseNodeRecorded>()).ToList();
        Assert.Equal(["立案", "排期", "送达", "在线庭审", "合议庭评议"], recorded.Select(r => r.NodeName));
        Assert.Equal("node.online_hearing", recorded[3].TemplateKey);
        Assert.Equal("node.hearing_scheduled", recorded[1].TemplateKey);

        // Another court has the catalogue without sh-jingan's overrides.
        var other = SharedEngine.NewCaseNumber("沪0115");
        await engine.Cases.UpsertCaseAsync(Requests.Case(other, "sh-pudong", "civil-1", null));
        await RpcAssert.InvalidFieldAsync("node.node_type", async () => await RecordAsync(engine, other, Node("ONLINE_HEARING", 0)));
    }

    private static DateTimeOffset Start { get; } = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private static Timestamp At(int day) => Timestamp.FromDateTimeOffset(Start.AddDays(day));

    private static V1.CaseNode Node(string type, int day) => new() { NodeType = type, At = At(day), Public = true };

    private static Task<V1.RecordNodeResponse> RecordAsync(EngineInstance engine, string caseNumber, V1.CaseNode node)
    {
        node.At ??= At(0);
        return engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = caseNumber, Node = node }).ResponseAsync;
    }
}
