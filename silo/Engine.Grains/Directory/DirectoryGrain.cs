using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain.Calendar;
using Engine.Grains.Deadlines;
using Engine.Grains.Judges;
using Engine.Storage.Judges;
using Engine.Storage.Timers;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Engine.Grains.Directory;

[StatelessWorker]
internal sealed class DirectoryGrain(
    IJudgeLocator locator,
    IDueTimers timers,
    DeadlinePlanner planner,
    IOptionsMonitor<JudgeOptions> judgeOptions,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time,
    ILogger<DirectoryGrain> logger) : Grain, IDirectoryGrain
{
    private const int Parallelism = 16;

    public async Task<ImportSummary> ImportAsync(DirectoryImport import)
    {
        await CheckJudgesAsync(import);
        var changed = 0;
        await InChunksAsync([.. import.ByCourt()], async court =>
        {
            var inCourt = await GrainFactory.GetGrain<ICourtGrain>(court.CourtId).ImportAsync(court.Part);
            Interlocked.Add(ref changed, inCourt);
        });
        await LocateAsync(import.Judges);

        var summary = new ImportSummary(import.Courts.Length, import.Courts.Sum(c => c.Divisions.Length), import.Judges.Length);
        DirectoryLog.Imported(logger, summary.Courts, summary.Divisions, summary.Judges, changed);
        return summary;
    }

    public async Task<JudgeInfo> UpsertJudgeAsync(JudgeInfo judge)
    {
        // An upsert carries the availability: the person's timers are woken before the write and planned after it.
        timers.PullEarlier([(DueTimerShardGrain.JudgeKey(judge.JudgeId), time.GetUtcNow())]);
        var stored = await GrainFactory.GetGrain<ICourtGrain>(judge.CourtId).UpsertJudgeAsync(judge);
        await LocateAsync([judge]);
        await GrainFactory.GetGrain<IJudgeGrain>(judge.JudgeId).ChangedAsync();
        return stored;
    }

    public async Task<JudgeInfo> SetAvailabilityAsync(string judgeId, AvailabilityInfo availability, string? expectedCourtId = null)
    {
        var courtId = locator.FindCourt(judgeId);
        if (courtId is null || (expectedCourtId is not null && courtId != expectedCourtId))
        {
            throw EngineException.NotFound(expectedCourtId is null ? $"judge {judgeId} is not in the directory" : $"judge {judgeId} is not in court {expectedCourtId}");
        }

        // The leave's edges are the judge grain's timers (decision 60). Its row is pulled to now before the court's
        // write, so that a crash between the two still wakes it; once the write is stored the grain acts on an edge
        // already past (a leave that has begun: the open tickets go to the delegate, else the division head) and
        // sets its next wake.
        timers.PullEarlier([(DueTimerShardGrain.JudgeKey(judgeId), time.GetUtcNow())]);
        var judge = await GrainFactory.GetGrain<ICourtGrain>(courtId).SetAvailabilityAsync(judgeId, availability);
        await GrainFactory.GetGrain<IJudgeGrain>(judgeId).ChangedAsync();
        return judge;
    }

    /// <summary>Refuses the import before anything is written (a refused import changes nothing) when a person's court
    /// is neither imported nor in the directory, or their division is in neither.</summary>
    private async Task CheckJudgesAsync(DirectoryImport import)
    {
        var imported = new Dictionary<string, ImmutableArray<DivisionInfo>>(StringComparer.Ordinal);
        foreach (var court in import.Courts)
        {
            imported[court.Court.CourtId] = court.Divisions;
        }

        var stored = new Dictionary<string, CourtSnapshot?>(StringComparer.Ordinal);
        for (var i = 0; i < import.Judges.Length; i++)
        {
            var judge = import.Judges[i];
            var importedDivisions = imported.GetValueOrDefault(judge.CourtId);
            if (!importedDivisions.IsDefault && (judge.DivisionId is null || importedDivisions.Any(d => d.DivisionId == judge.DivisionId)))
            {
                continue;
            }

            if (!stored.TryGetValue(judge.CourtId, out var snapshot))
            {
                stored[judge.CourtId] = snapshot = await GrainFactory.GetGrain<ICourtGrain>(judge.CourtId).GetAsync();
            }

            if (snapshot is null && importedDivisions.IsDefault)
            {
                throw EngineException.Invalid($"judges[{i}].court_id", $"court '{judge.CourtId}' is neither imported nor in the directory");
            }

            if (judge.DivisionId is { } division && snapshot?.Divisions.Any(d => d.DivisionId == division) != true)
            {
                throw EngineException.Invalid($"judges[{i}].division_id", $"division '{division}' is not a division of court {judge.CourtId}");
            }
        }
    }

    /// <summary>Runs the calls a chunk at a time. (Parallel.ForEachAsync would leave the grain's scheduler, and grain
    /// calls may only be made from it.)</summary>
    private static async Task InChunksAsync<T>(ImmutableArray<T> items, Func<T, Task> call)
    {
        foreach (var chunk in items.Chunk(Parallelism))
        {
            await Task.WhenAll(chunk.Select(call));
        }
    }

    /// <summary>Points the locator at the court of each person who is new or moved, removing the moved from the court
    /// they left; people where they were cost a read, no write.</summary>
    private async Task LocateAsync(ImmutableArray<JudgeInfo> judges)
    {
        var previous = locator.FindCourts([.. judges.Select(j => j.JudgeId)]);
        var placed = judges.Where(j => !string.Equals(previous.GetValueOrDefault(j.JudgeId), j.CourtId, StringComparison.Ordinal)).ToList();
        foreach (var judge in placed)
        {
            if (previous.TryGetValue(judge.JudgeId, out var old))
            {
                await GrainFactory.GetGrain<ICourtGrain>(old).RemoveJudgeAsync(judge.JudgeId);
            }
        }

        if (placed.Count > 0)
        {
            locator.SetCourts([.. placed.Select(j => (j.JudgeId, j.CourtId))]);
            // Each new or moved person's first wake is their court's next morning list; they plan the rest themselves.
            var now = time.GetUtcNow();
            var at = judgeOptions.CurrentValue.ListTime;
            timers.PullEarlier([.. placed.Select(j => (DueTimerShardGrain.JudgeKey(j.JudgeId), MorningList.NextAt(planner.PlanFor(j.CourtId, TicketKind.ContactJudge).Calendar, at, now)))]);
        }
    }
}

internal static partial class DirectoryLog
{
    [LoggerMessage(EventId = LogEventIds.DirectoryImported, Level = LogLevel.Information, Message = "Directory imported: {Courts} courts, {Divisions} divisions, {Judges} people; {Changed} of them new or changed")]
    public static partial void Imported(ILogger logger, int courts, int divisions, int judges, int changed);
}
