using System.Runtime.InteropServices;

namespace Engine.Load;

/// <summary>What the figures were measured on.</summary>
internal static class Machine
{
    public static Dictionary<string, object> Facts() => new()
    {
        ["cores"] = Environment.ProcessorCount,
        ["memoryBytes"] = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        ["os"] = RuntimeInformation.OSDescription,
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["cpu"] = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown",
    };
}
