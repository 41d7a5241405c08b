using Engine.Domain;

namespace Engine.Contracts.Grains;

/// <summary>Statistics, read from the figures the projector keeps in the database (the same whichever silo
/// answers). Every read first brings the figures up to the log's head. Stateless; one per silo core.</summary>
public interface IStatsGrain : IGrainWithIntegerKey
{
    /// <summary>The figures of a scope and period, in total and per group.</summary>
    Task<StatsAnswer> GetStatsAsync(StatsQuery query);

    /// <summary>The most frequent sub-kinds and terms of a court (null: all courts; with <paramref name="includeSubordinate"/>,
    /// with every court beneath it) in the days from <paramref name="from"/> up to <paramref name="until"/>, with the counts
    /// of the same number of days before.</summary>
    Task<HotTopics> GetHotTopicsAsync(string? courtId, DateTimeOffset from, DateTimeOffset until, int limit, bool includeSubordinate = false);

    /// <summary>The tickets overdue now in a scope (with <paramref name="includeSubordinate"/>, the court's and those of
    /// every court beneath it), longest overdue first.</summary>
    Task<OverdueList> ListOverdueAsync(string? courtId, string? divisionId, string? judgeId, int limit, bool includeSubordinate = false);

    /// <summary>A page of the supervision page's lists (overdue tickets, urging and supervision steps), filtered,
    /// sorted and paged on the server.</summary>
    Task<SupervisionListPage> ListSupervisionAsync(SupervisionQuery query);

    /// <summary>On-the-spot ratings per staff member, platform agent or counter/window (<paramref name="subject"/>) of a
    /// court (null: all; with <paramref name="includeSubordinate"/>, with every court beneath it) in a period, the most
    /// rated first.</summary>
    Task<SatisfactionAnswer> GetSatisfactionAsync(string? courtId, DateTimeOffset? from, DateTimeOffset? until, RatedSubject subject, int limit, bool includeSubordinate = false);

    /// <summary>The circulated report (通报): the supervision and special supervision steps of a court (null: all; with
    /// <paramref name="includeSubordinate"/>, with every court beneath it) fired in the days from <paramref name="from"/>
    /// up to <paramref name="until"/>, counted per court, division and judge with the reply delay, and a page of them
    /// after <paramref name="after"/>.</summary>
    Task<CirculatedReport> GetCirculatedReportAsync(string? courtId, bool includeSubordinate, DateTimeOffset from, DateTimeOffset until, string? after, int limit);

    /// <summary>The directory's courts and the court each is under, as the statistics have counted them.</summary>
    Task<CourtTree> GetCourtTreeAsync();

    /// <summary>Online filings of a court (null: all; with <paramref name="includeSubordinate"/>, with every court beneath
    /// it) still waiting for the filing division's decision, the longest waiting first.</summary>
    Task<PendingFilingList> ListPendingFilingsAsync(string? courtId, int limit, bool includeSubordinate = false);

    /// <summary>The knowledge base's figures of a court (null: all; with <paramref name="includeSubordinate"/>, with every
    /// court beneath it) in the days from <paramref name="from"/> up to
    /// <paramref name="until"/>: hit rates, self-service searches, the on-the-spot rate, the <paramref name="limit"/> most
    /// used entries, the entries never used, and the words of the questions that found no good entry.</summary>
    Task<KnowledgeFigures> GetKnowledgeFiguresAsync(string? courtId, DateTimeOffset from, DateTimeOffset until, int limit, bool includeSubordinate = false);

    /// <summary>Forgets every figure and counts them again from the event log; answers the sequence they now include.</summary>
    Task<long> RebuildAsync();
}
