using System.Text.Json.Nodes;

namespace Engine.Tests.Support;

/// <summary>Compares what an older build recorded with what this build answers: every member the older one wrote must
/// be there with the same value; members added since are allowed.</summary>
public static class JsonSubset
{
    /// <summary>The paths where <paramref name="actual"/> differs from <paramref name="expected"/> (empty: it holds it).</summary>
    public static IReadOnlyList<string> Differences(JsonNode? expected, JsonNode? actual, IReadOnlySet<string>? ignored = null)
    {
        var differences = new List<string>();
        Compare(expected, actual, "$", ignored ?? new HashSet<string>(), differences);
        return differences;
    }

    public static void AssertContains(JsonNode? expected, JsonNode? actual, string what, IReadOnlySet<string>? ignored = null)
    {
        var differences = Differences(expected, actual, ignored);
        Assert.True(differences.Count == 0, $"{what} differs from what the older build recorded at {string.Join("; ", differences.Take(10))}");
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, IReadOnlySet<string> ignored, List<string> differences)
    {
        switch (expected)
        {
            case JsonObject members:
                if (actual is not JsonObject actualMembers)
                {
                    differences.Add($"{path} (an object, now {Describe(actual)})");
                    return;
                }

                foreach (var (name, value) in members)
                {
                    if (!ignored.Contains(name))
                    {
                        Compare(value, actualMembers[name], $"{path}.{name}", ignored, differences);
                    }
                }

                return;
            case JsonArray items:
                if (actual is not JsonArray actualItems || actualItems.Count != items.Count)
                {
                    differences.Add($"{path} ({items.Count} items, now {Describe(actual)})");
                    return;
                }

                for (var i = 0; i < items.Count; i++)
                {
                    Compare(items[i], actualItems[i], $"{path}[{i}]", ignored, differences);
                }

                return;
            default:
                if (expected?.ToJsonString() != actual?.ToJsonString())
                {
                    differences.Add($"{path} ({expected?.ToJsonString() ?? "null"}, now {Describe(actual)})");
                }

                return;
        }
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "absent",
        JsonArray array => $"{array.Count} items",
        JsonObject => "an object",
        _ => node.ToJsonString(),
    };
}
