using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts.Grains;
using Engine.Contracts;
using Engine.Storage.Timers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Deadlines;

/// <summary>
/// Wakes the owners of one shard of <c>due_timers</c> whose next timer is due (decision 60): the deadline shards'
/// design (<see cref="WakingShard"/>) over a row per owner instead of a column of the ticket row. An owner key is
/// "judge:&lt;judge id&gt;" or "case:&lt;case number&gt;"; a key of a kind this build does not know is dropped, as nothing could fire it.
/// </summary>
[Orleans.Placement.RandomPlacement] // decision 67: spread, not all on the newest silo
internal sealed partial class DueTimerShardGrain(
    IDueTimers timers, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptionsMonitor<DeadlineOptions> options, WakeGate gate, ILogger<DueTimerShardGrain> logger)
    : WakingShard(time, options, gate), IDueTimerShardGrain
{
    public const string JudgePrefix = "judge:";

    public const string CasePrefix = "case:";

    public static string JudgeKey(string judgeId) => JudgePrefix + judgeId;

    /// <summary>A case's hearing reminders (decision 62): "case:" and the normalized case number.</summary>
    public static string CaseKey(string caseNumber) => CasePrefix + caseNumber;

    protected override IReadOnlyList<(string Owner, DateTimeOffset DueAt)> ReadDue(DateTimeOffset? after, DateTimeOffset upTo, int limit) => timers.Due(Shard, upTo, limit, after);

    protected override Task<int> FireAsync(string owner)
    {
        if (owner.StartsWith(JudgePrefix, StringComparison.Ordinal))
        {
            return GrainFactory.GetGrain<IJudgeGrain>(owner[JudgePrefix.Length..]).FireDueAsync();
        }

        if (owner.StartsWith(CasePrefix, StringComparison.Ordinal))
        {
            return GrainFactory.GetGrain<ICaseGrain>(owner[CasePrefix.Length..]).FireDueAsync();
        }

        timers.Schedule(owner, null);
        return Task.FromResult(1);
    }

    protected override void WakeFailed(string owner, int failures, double seconds, Exception exception) => Log.FireFailed(logger, owner, failures, seconds, exception);

    protected override void TickFailed(Exception exception) => Log.TickFailed(logger, Shard, exception);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.TimerFireFailed, Level = LogLevel.Warning, Message = "{Owner} could not fire its due timers ({Failures} failures in a row); retrying in {Seconds} s")]
        public static partial void FireFailed(ILogger logger, string owner, int failures, double seconds, Exception exception);

        [LoggerMessage(EventId = LogEventIds.TimerShardFailed, Level = LogLevel.Warning, Message = "Timer shard {Shard} could not read its due owners; retrying")]
        public static partial void TickFailed(ILogger logger, int shard, Exception exception);
    }
}
