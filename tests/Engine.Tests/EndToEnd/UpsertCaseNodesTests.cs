using Engine.Domain;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Issue "Hardening", point 8: UpsertCase ignored case.nodes without a word. Nodes sent with an upsert are recorded
/// as RecordNode records them (and announced the same way); nodes are history, so one already stored is not recorded
/// twice and one the upsert leaves out stays: a system that sends the whole case back, nodes and all, changes nothing.
/// </summary>
public sealed class UpsertCaseNodesTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    private const string Court = "sh-pudong";
    private static readonly DateTimeOffset Filed = new(2025, 3, 10, 9, 0, 0, TimeSpan.FromHours(8));
    private readonly EngineInstance _engine = shared.Instance;

    [Fact]
    public async Task Nodes_sent_with_an_upsert_are_recorded_and_announced_as_RecordNode_announces_them()
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        using var announced = new V1.EventService.EventServiceClient(_engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { CourtIds = { Court }, EventTypes = { "case.node_recorded" } },
        });
        var request = Case(caseNumber);
        request.Case.Nodes.Add(Node(V1.CaseNodeType.Filed, Filed, "立案", isPublic: true));
        request.Case.Nodes.Add(Node(V1.CaseNodeType.HearingScheduled, Filed.AddDays(20), "定于4月开庭", isPublic: true));

        var stored = (await _engine.Cases.UpsertCaseAsync(request)).Case;
        var events = await EventStreams.ReadEventsAsync(announced, e => e.Count(x => x.AggregateId == caseNumber) == 2);

        var answered = Answered(request.Case.Nodes);
        Assert.Equal(answered, stored.Nodes);
        Assert.Equal(answered, (await _engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber })).Case.Nodes);
        Assert.Equal(answered, events.Where(e => e.AggregateId == caseNumber).Select(e => e.Payload.Unpack<V1.CaseNodeRecorded>().Node));
    }

    [Fact]
    public async Task A_case_sent_back_with_its_nodes_records_none_twice_and_keeps_the_ones_it_leaves_out()
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        var first = Case(caseNumber);
        first.Case.Nodes.Add(Node(V1.CaseNodeType.Filed, Filed, "立案", isPublic: true));
        await _engine.Cases.UpsertCaseAsync(first);
        await _engine.Cases.RecordNodeAsync(new V1.RecordNodeRequest { CaseNumber = caseNumber, Node = Node(V1.CaseNodeType.Other, Filed.AddDays(1), "内部合议", isPublic: false) });

        // Read, change and send back (the read's nodes included), leaving the first node out and adding one.
        var read = (await _engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber })).Case;
        var again = new V1.UpsertCaseRequest { Case = read.Clone(), Actor = "case-management" };
        again.Case.DivisionId = "civil-2";
        again.Case.Nodes.RemoveAt(0);
        var hearing = Node(V1.CaseNodeType.HearingScheduled, Filed.AddDays(20), "定于4月开庭", isPublic: true);
        again.Case.Nodes.Add(hearing);
        var stored = (await _engine.Cases.UpsertCaseAsync(again)).Case;

        Assert.Equal([.. read.Nodes, .. Answered([hearing])], stored.Nodes);
        Assert.Equal("civil-2", stored.DivisionId);
    }

    [Fact]
    public async Task A_node_without_its_type_or_time_is_refused_naming_it_and_nothing_is_stored()
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        var request = Case(caseNumber);
        request.Case.Nodes.Add(Node(V1.CaseNodeType.Filed, Filed, "立案", isPublic: true));
        request.Case.Nodes.Add(new V1.CaseNode { Type = V1.CaseNodeType.HearingScheduled, Detail = "没有时间" });

        await RpcAssert.InvalidFieldAsync("case.nodes[1].at", async () => await _engine.Cases.UpsertCaseAsync(request));
        request.Case.Nodes[1].At = Timestamp.FromDateTimeOffset(Filed);
        request.Case.Nodes[1].Type = V1.CaseNodeType.Unspecified;
        await RpcAssert.InvalidFieldAsync("case.nodes[1].type", async () => await _engine.Cases.UpsertCaseAsync(request));

        await RpcAssert.StatusAsync(Grpc.Core.StatusCode.NotFound, async () => await _engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber }));
    }

    private static V1.UpsertCaseRequest Case(string caseNumber) =>
        Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1));

    /// <summary>The nodes as the engine answers them: with the catalogue id of the type they were sent with.</summary>
    private static List<V1.CaseNode> Answered(IEnumerable<V1.CaseNode> sent) =>
        [.. sent.Select(n => new V1.CaseNode(n) { NodeType = ProgressNodeIds.Of((CaseNodeType)n.Type) })];

    private static V1.CaseNode Node(V1.CaseNodeType type, DateTimeOffset at, string detail, bool isPublic) =>
        new() { Type = type, At = Timestamp.FromDateTimeOffset(at), Detail = detail, Public = isPublic };
}
