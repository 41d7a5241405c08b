using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Fixture;

/// <summary>The stored samples in Orleans' binary form, as this build writes them: one file per type.</summary>
public static class GoldenBytes
{
    public static Serializer NewSerializer() =>
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    /// <summary>A value as JSON, every member by name: what the bytes must read back as (members added later are
    /// left out of an older view, so a view says what a build knew).</summary>
    public static string View(object value) => System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), ViewOptions);

    private static readonly System.Text.Json.JsonSerializerOptions ViewOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var serializer = NewSerializer();
        foreach (var sample in StoredSamples.All)
        {
            File.WriteAllBytes(Path.Combine(directory, sample.Name + ".bin"), sample.Write(serializer));
            File.WriteAllText(Path.Combine(directory, sample.Name + ".json"), View(sample.Value) + "\n");
            Console.WriteLine($"{sample.Name}.bin");
        }
    }
}
