using System.Text;
using Engine.Contracts;

namespace Engine.Grains.Statistics;

/// <summary>The stats_daily column of each <see cref="StatsCounter"/> (snake case of its name).</summary>
internal static class StatsColumns
{
    public static readonly string[] Counters = [.. Enum.GetValues<StatsCounter>().Select(c => SnakeCase(c.ToString()))];

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
