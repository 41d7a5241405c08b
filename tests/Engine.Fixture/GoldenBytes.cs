using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Fixture;

/// <summary>The stored samples in Orleans' binary form, as this build writes them: one file per type.</summary>
public static class GoldenBytes
{
    public static Serializer NewSerializer() =>
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var serializer = NewSerializer();
        foreach (var sample in StoredSamples.All)
        {
            File.WriteAllBytes(Path.Combine(directory, sample.Name + ".bin"), sample.Write(serializer));
            Console.WriteLine($"{sample.Name}.bin");
        }
    }
}
