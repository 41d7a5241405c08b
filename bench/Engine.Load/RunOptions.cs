using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Load;

/// <summary>A scenario's --name value options and its JSON report, both in the invariant culture: a run reads "0.01"
/// and writes its figures the same way whatever the machine's locale.</summary>
internal static class RunOptions
{
    /// <summary>Indented; a figure that came out NaN or infinite (a ratio over nothing) is written, not an error.</summary>
    private static readonly JsonSerializerOptions ReportJson = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static int Int(this Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static double Number(this Dictionary<string, string> options, string name, double fallback) =>
        options.TryGetValue(name, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static string Report(object report) => JsonSerializer.Serialize(report, ReportJson);
}
