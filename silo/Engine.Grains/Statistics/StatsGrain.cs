using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Storage.Events;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace Engine.Grains.Statistics;

// Reentrant: no state; the projector serializes its own steps and the database its transactions.
[StatelessWorker]
[Reentrant]
internal sealed class StatsGrain(
    StatsProjector projector, StatsReader reader, KnowledgeFiguresReader knowledge, IEventLog log, [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, IStatsGrain
{
    public async Task<StatsAnswer> GetStatsAsync(StatsQuery query)
    {
        var asOf = await projector.CatchUpAsync(log.Head());
        return reader.GetStats(query, asOf);
    }

    public async Task<HotTopics> GetHotTopicsAsync(string? courtId, DateTimeOffset from, DateTimeOffset until, int limit, bool includeSubordinate)
    {
        await projector.CatchUpAsync(log.Head());
        return reader.GetHotTopics(courtId, includeSubordinate, from, until, limit);
    }

    public async Task<OverdueList> ListOverdueAsync(string? courtId, string? divisionId, string? judgeId, int limit, bool includeSubordinate)
    {
        await projector.CatchUpAsync(log.Head());
        return reader.ListOverdue(courtId, divisionId, judgeId, limit, includeSubordinate);
    }

    public async Task<SupervisionListPage> ListSupervisionAsync(SupervisionQuery query)
    {
        await projector.CatchUpAsync(log.Head());
        return reader.ListSupervision(query);
    }

    public async Task<SatisfactionAnswer> GetSatisfactionAsync(string? courtId, DateTimeOffset? from, DateTimeOffset? until, RatedSubject subject, int limit, bool includeSubordinate)
    {
        var asOf = await projector.CatchUpAsync(log.Head());
        return reader.GetSatisfaction(courtId, includeSubordinate, from, until, subject, limit, asOf);
    }

    public async Task<CirculatedReport> GetCirculatedReportAsync(string? courtId, bool includeSubordinate, DateTimeOffset from, DateTimeOffset until, string? after, int limit)
    {
        var asOf = await projector.CatchUpAsync(log.Head());
        return reader.GetCirculatedReport(new CirculatedQuery(courtId, includeSubordinate, from, until, time.GetUtcNow(), after, limit), asOf);
    }

    public async Task<CourtTree> GetCourtTreeAsync()
    {
        await projector.CatchUpAsync(log.Head());
        return reader.GetCourtTree();
    }

    public async Task<PendingFilingList> ListPendingFilingsAsync(string? courtId, int limit, bool includeSubordinate)
    {
        await projector.CatchUpAsync(log.Head());
        return reader.ListPendingFilings(courtId, includeSubordinate, limit);
    }

    public async Task<KnowledgeFigures> GetKnowledgeFiguresAsync(string? courtId, DateTimeOffset from, DateTimeOffset until, int limit, bool includeSubordinate)
    {
        var asOf = await projector.CatchUpAsync(log.Head());
        return knowledge.Read(courtId is null ? null : reader.CourtsOf(courtId, includeSubordinate), from, until, limit, asOf);
    }

    public async Task<long> RebuildAsync()
    {
        await projector.ResetAsync();
        return await projector.CatchUpAsync(log.Head());
    }
}
