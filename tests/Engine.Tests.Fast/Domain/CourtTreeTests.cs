using System.Collections.Immutable;
using Engine.Contracts;

namespace Engine.Tests.DomainTests;

/// <summary>The court tree the statistics roll a court's figures up by (decision 59): three levels under one number,
/// and no endless walk when the directory is, for a moment, a cycle.</summary>
public sealed class CourtTreeTests
{
    private static readonly CourtTree Shanghai = Tree(
        ("sh-high", ""), ("sh-1st-int", "sh-high"), ("sh-2nd-int", "sh-high"), ("sh-pudong", "sh-1st-int"), ("sh-xuhui", "sh-1st-int"),
        ("sh-huangpu", "sh-2nd-int"), ("sh-railway-int", "sh-high"), ("sh-railway", "sh-railway-int"), ("elsewhere", ""));

    [Fact]
    public void A_high_courts_subtree_holds_every_court_beneath_it_at_any_depth_and_itself_first()
    {
        Assert.Equal<string>(
            ["sh-high", "sh-1st-int", "sh-2nd-int", "sh-huangpu", "sh-pudong", "sh-railway", "sh-railway-int", "sh-xuhui"],
            Shanghai.Subtree("sh-high"));
        Assert.Equal<string>(["sh-1st-int", "sh-pudong", "sh-xuhui"], Shanghai.Subtree("sh-1st-int"));
        Assert.Equal<string>(["sh-pudong"], Shanghai.Subtree("sh-pudong"));
    }

    [Fact]
    public void A_court_unknown_to_the_tree_is_its_own_subtree()
    {
        Assert.Equal<string>(["sh-new"], Shanghai.Subtree("sh-new"));
        Assert.Equal<string>(["sh-new"], CourtTree.Empty.Subtree("sh-new"));
    }

    [Fact]
    public void A_court_is_within_itself_and_each_court_above_it_and_no_other()
    {
        Assert.True(Shanghai.IsWithin("sh-pudong", "sh-pudong"));
        Assert.True(Shanghai.IsWithin("sh-pudong", "sh-1st-int"));
        Assert.True(Shanghai.IsWithin("sh-pudong", "sh-high"));
        Assert.False(Shanghai.IsWithin("sh-pudong", "sh-2nd-int"));
        Assert.False(Shanghai.IsWithin("sh-high", "sh-1st-int"));
        Assert.False(Shanghai.IsWithin("elsewhere", "sh-high"));
    }

    [Fact]
    public void A_cycle_in_the_directory_ends_the_walk_where_it_closes()
    {
        var cycle = Tree(("a", "c"), ("b", "a"), ("c", "b"), ("d", "c"));
        Assert.Equal<string>(["a", "b", "c", "d"], cycle.Subtree("a"));
        Assert.True(cycle.IsWithin("d", "a"));
        Assert.False(cycle.IsWithin("d", "elsewhere"));
    }

    [Fact]
    public void A_court_moved_under_another_parent_leaves_the_old_parents_subtree()
    {
        var moved = Shanghai with { Parents = Shanghai.Parents.SetItem("sh-huangpu", "sh-1st-int") };
        Assert.Contains("sh-huangpu", moved.Subtree("sh-1st-int"));
        Assert.Equal<string>(["sh-2nd-int"], moved.Subtree("sh-2nd-int"));
    }

    private static CourtTree Tree(params (string Court, string Parent)[] courts) =>
        new(courts.ToImmutableDictionary(c => c.Court, c => c.Parent, StringComparer.Ordinal));
}
