using Engine.Domain;
using Microsoft.Extensions.Options;

namespace Engine.Api;

/// <summary>How long a call waits on the cluster. Bound from "Engine:Calls" (silo) or "Frontend:Calls" (front-end).</summary>
public sealed class CallWaitOptions
{
    /// <summary>The calls that may run long by nature (a whole directory, every statistic counted again): they wait up
    /// to the caller's deadline, not <see cref="ClusterWait"/>.</summary>
    public static readonly IReadOnlySet<string> LongRunning = new HashSet<string>(StringComparer.Ordinal)
    {
        "/engine.v1.DirectoryService/ImportDirectory", "/engine.v1.StatsService/RebuildStats",
    };

    /// <summary>A call still waiting on the cluster after this (a silo frozen or lost, not yet declared dead) is answered
    /// UNAVAILABLE, so that the caller retries (with the same key) at once instead of at its deadline. Default 5 s;
    /// allowed 1 s to 60 s. A call normally answers in milliseconds.</summary>
    public TimeSpan ClusterWait { get; set; } = TimeSpan.FromSeconds(5);
}

/// <param name="section">"Engine:Calls" or "Frontend:Calls".</param>
public sealed class CallWaitOptionsValidator(string section) : IValidateOptions<CallWaitOptions>
{
    public ValidateOptionsResult Validate(string? name, CallWaitOptions options)
    {
        var check = new SettingsCheck(section);
        check.Between(nameof(options.ClusterWait), options.ClusterWait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
