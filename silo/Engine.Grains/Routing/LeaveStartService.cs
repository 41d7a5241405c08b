using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts.Grains;
using Engine.Contracts;
using Engine.Storage.Judges;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engine.Grains.Routing;

/// <summary>
/// Acts on leaves as they begin: every second it takes the due rows of <see cref="ILeaveSchedule"/>, routes the
/// judge's open tickets again (to the delegate, else the division head), then removes the row. Re-routing twice
/// changes nothing, so a crash between the two steps only repeats harmless work.
/// </summary>
internal sealed partial class LeaveStartService(ILeaveSchedule schedule, IClusterClient cluster, [FromKeyedServices(EngineClock.Key)] TimeProvider time, TimeProvider pace, ILogger<LeaveStartService> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval, pace);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var (judgeId, courtId, startsAt) in schedule.Due(time.GetUtcNow(), limit: 100))
                {
                    var moved = await cluster.GetGrain<IReroutingGrain>(0).RerouteJudgeAsync(courtId, judgeId, "engine", $"judge {judgeId} is on leave");
                    schedule.Complete(judgeId, startsAt);
                    LeaveBegan(logger, judgeId, moved);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The silo may still be starting, or the database busy: the rows stay, the next tick retries.
                PollFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = LogEventIds.LeaveBegan, Level = LogLevel.Information, Message = "Leave of {JudgeId} began: {Moved} open tickets routed again")]
    private static partial void LeaveBegan(ILogger logger, string judgeId, int moved);

    [LoggerMessage(EventId = LogEventIds.LeavePollFailed, Level = LogLevel.Warning, Message = "Leave starts could not be processed; retrying")]
    private static partial void PollFailed(ILogger logger, Exception exception);
}
