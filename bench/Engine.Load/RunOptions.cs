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
}
