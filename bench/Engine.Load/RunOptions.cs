using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Load;

/// <summary>A scenario's JSON report, one set of serializer options for all (the options are parsed by
/// LoadCommandLine).</summary>
internal static class RunOptions
{
    /// <summary>Indented; a figure that came out NaN or infinite (a ratio over nothing) is written, not an error.</summary>
    private static readonly JsonSerializerOptions ReportJson = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Report(object report) => JsonSerializer.Serialize(report, ReportJson);

    /// <summary>Count, p50, p90, p99 and max of <paramref name="sorted"/> (ascending), for a report.</summary>
    public static Dictionary<string, double> Percentiles(double[] sorted) => sorted.Length == 0
        ? []
        : new()
        {
            ["count"] = sorted.Length,
            ["p50"] = sorted[(int)(sorted.Length * 0.50)],
            ["p90"] = sorted[(int)(sorted.Length * 0.90)],
            ["p99"] = sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))],
            ["max"] = sorted[^1],
        };
}
