using Engine.Domain;
using Engine.Grains.Cases;

namespace Engine.Tests.Domain;

/// <summary>The progress node catalogue as data: the built-in 53 types, a file over them, per-court overrides, and the
/// ids of the enum of the first builds.</summary>
public sealed class ProgressNodeCatalogueTests
{
    [Fact]
    public void The_built_in_catalogue_has_53_types_with_every_type_of_the_first_builds()
    {
        var types = ProgressNodeCatalogue.BuiltIn.Default.All;

        Assert.Equal(53, types.Count);
        Assert.Equal(types.Count, types.Select(t => t.Id).Distinct().Count());
        Assert.Equal(types.Count, types.Select(t => t.Template).Distinct().Count());
        Assert.All(types, t => Assert.True(ProgressNodeIds.IsWellFormed(t.Id), t.Id));
        foreach (var legacy in Enum.GetValues<CaseNodeType>().Where(t => t != CaseNodeType.Unspecified))
        {
            Assert.NotNull(ProgressNodeCatalogue.BuiltIn.Default.Find(ProgressNodeIds.Of(legacy)));
        }

        Assert.Contains(types, t => !t.Public);
        Assert.Equal("排期开庭", ProgressNodeCatalogue.BuiltIn.Default.Find("HEARING_SCHEDULED")!.Name);
    }

    [Fact]
    public void The_ids_of_the_first_builds_are_their_proto_names_and_other_ids_read_as_Other()
    {
        Assert.Equal("HEARING_SCHEDULED", ProgressNodeIds.Of(CaseNodeType.HearingScheduled));
        Assert.Equal("EXECUTION_STARTED", ProgressNodeIds.Of(CaseNodeType.ExecutionStarted));
        Assert.Equal(CaseNodeType.FeePaid, ProgressNodeIds.Legacy("FEE_PAID"));
        Assert.Equal(CaseNodeType.Other, ProgressNodeIds.Legacy("PRESERVATION_RULED"));
        Assert.False(ProgressNodeIds.IsWellFormed("hearing"));
        Assert.False(ProgressNodeIds.IsWellFormed("1ST"));
    }

    [Fact]
    public void A_court_may_rename_hide_and_add_node_types_and_other_courts_keep_the_catalogue()
    {
        var catalogue = ProgressNodeCatalogue.Parse("""
            {
              "nodes": [ { "id": "FILED", "name": "登记立案" }, { "id": "SMALL_CLAIMS", "name": "小额诉讼", "template": "node.small_claims" } ],
              "courts": {
                "sh-pudong": [
                  { "id": "HEARING_SCHEDULED", "name": "排期" },
                  { "id": "SERVED", "public": false },
                  { "id": "ONLINE_HEARING", "name": "在线庭审", "template": "node.online_hearing", "procedure": "civil" }
                ]
              }
            }
            """, ProgressNodeCatalogue.BuiltIn, "test");

        var pudong = catalogue.For("sh-pudong");
        Assert.Equal("排期", pudong.Find("HEARING_SCHEDULED")!.Name);
        Assert.Equal("node.hearing_scheduled", pudong.Find("HEARING_SCHEDULED")!.Template);
        Assert.False(pudong.Find("SERVED")!.Public);
        Assert.Equal(new ProgressNodeType("ONLINE_HEARING", "在线庭审", true, "node.online_hearing", "civil"), pudong.Find("ONLINE_HEARING"));
        Assert.Equal("登记立案", pudong.Find("FILED")!.Name);
        Assert.NotNull(pudong.Find("SMALL_CLAIMS"));
        Assert.Equal(55, pudong.All.Count);

        var jingan = catalogue.For("sh-jingan");
        Assert.Equal("排期开庭", jingan.Find("HEARING_SCHEDULED")!.Name);
        Assert.True(jingan.Find("SERVED")!.Public);
        Assert.Null(jingan.Find("ONLINE_HEARING"));
        Assert.Equal("登记立案", jingan.Find("FILED")!.Name);
        Assert.Equal(54, jingan.All.Count);
        Assert.Same(catalogue.Default, catalogue.For(null));
    }

    [Theory]
    [InlineData("""{ "nodes": [ { "id": "NEW_ONE", "name": "新" } ] }""", "nodes[0].template: is required for the new type NEW_ONE")]
    [InlineData("""{ "nodes": [ { "id": "new-one", "name": "新", "template": "node.x" } ] }""", "nodes[0].id: 'new-one' is not upper-case")]
    [InlineData("""{ "nodes": [ { "id": "FILED", "public": "yes" } ] }""", "nodes[0].public: is not true or false")]
    [InlineData("""{ "courts": { "sh-pudong": { "id": "FILED" } } }""", "courts.sh-pudong: is not an array of node types")]
    [InlineData("""{ "nodes": [ { "id": "FILED", "template": "短信 模板" } ] }""", "nodes[0].template: '短信 模板' is not letters")]
    [InlineData("""[]""", "the file is not a JSON object")]
    [InlineData("""{ "nodes": [ """, "is not a usable progress node catalogue")]
    public void A_catalogue_file_that_is_wrong_is_refused_naming_the_file_and_the_entry(string json, string problem)
    {
        var refused = Assert.Throws<FormatException>(() => ProgressNodeCatalogue.Parse(json, ProgressNodeCatalogue.BuiltIn, "nodes.json"));

        Assert.StartsWith("nodes.json is not a usable progress node catalogue (", refused.Message, StringComparison.Ordinal);
        Assert.Contains(problem, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_identity_number_is_masked_as_a_phone_is()
    {
        Assert.Equal("310115********123X", IdNumbers.Mask("31011519900101123X"));
        Assert.Equal("91310000MA1K3YJ12B".Length, IdNumbers.Mask("91310000MA1K3YJ12B").Length);
        Assert.Equal("913100********J12B", IdNumbers.Mask("91310000MA1K3YJ12B"));
        Assert.Equal("***", IdNumbers.Mask("31-01"));
        Assert.Equal("310115199001011234", IdNumbers.Canonical("310115199001011234"));
        Assert.Null(IdNumbers.Canonical("身份证"));
    }
}
