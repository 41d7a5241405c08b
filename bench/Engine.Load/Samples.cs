using System.Text.Json;

namespace Engine.Load;

/// <summary>The repository's sample files, copied next to the tool.</summary>
internal static class Samples
{
    public static string File(string name) => Path.Combine(AppContext.BaseDirectory, "samples", name);

    /// <summary>The ids of the sample courts (samples/shanghai-courts.json).</summary>
    public static string[] Courts()
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(File("shanghai-courts.json")));
        return [.. document.RootElement.GetProperty("courts").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];
    }
}
