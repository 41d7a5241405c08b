using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Storage.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Engine.Grains.Knowledge;

// Reentrant: no state of its own but a cache of court ancestors; the database orders the changes (the knowledge lock
// and the versions). A stateless worker runs on the silo that takes the call, so searches read that silo's index.
[StatelessWorker]
[Reentrant]
internal sealed class KnowledgeGrain(
    KnowledgeStore store, KnowledgeBook book, IOptionsMonitor<KnowledgeOptions> options,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time, ILogger<KnowledgeGrain> logger) : Grain, IKnowledgeGrain
{
    /// <summary>How long a court's ancestors are trusted before they are asked again (a court rarely moves).</summary>
    private static readonly TimeSpan AncestorsFor = TimeSpan.FromMinutes(1);

    /// <summary>Deepest court chain followed (the directory has three levels; a loop stops here).</summary>
    private const int MaxDepth = 8;

    private readonly Dictionary<string, (ImmutableArray<string> Courts, DateTimeOffset Until)> _ancestors = new(StringComparer.Ordinal);

    public Task<KnowledgeEntry> CreateAsync(string entryId, KnowledgeContent content, string actor) =>
        Task.FromResult(Changed(store.Create(entryId, content, actor, time.GetUtcNow())));

    public Task<KnowledgeEntry> UpdateAsync(string entryId, int expectedVersion, KnowledgeContent content, string actor) =>
        Task.FromResult(Changed(store.Update(entryId, expectedVersion, content, actor, time.GetUtcNow())));

    public Task<KnowledgeEntry> RetireAsync(string entryId, int expectedVersion, string? reason, string actor) =>
        Task.FromResult(Changed(store.Retire(entryId, expectedVersion, reason, actor, time.GetUtcNow())));

    public Task<KnowledgeHistory?> GetAsync(string entryId) => Task.FromResult(store.Get(entryId));

    public Task<KnowledgePage> ListAsync(KnowledgeFilter filter, string? after, int pageSize) => Task.FromResult(store.List(filter, after, pageSize));

    public Task<KnowledgeImportSummary> ImportAsync(ImmutableArray<KnowledgeImportEntry> entries, string actor)
    {
        var summary = store.Import(entries, actor, time.GetUtcNow());
        KnowledgeLog.Imported(logger, actor, summary.Created, summary.Updated, summary.Unchanged, summary.SkippedRetired.Length);
        if (summary.Created + summary.Updated > 0)
        {
            book.Refresh();
        }

        return Task.FromResult(summary);
    }

    public Task<ImmutableArray<KnowledgeEntry>> ExportAsync(string? courtId)
    {
        var all = ImmutableArray.CreateBuilder<KnowledgeEntry>();
        string? after = null;
        do
        {
            var page = store.List(new KnowledgeFilter(courtId, null, null, false, false), after, 1000);
            all.AddRange(page.Entries);
            after = page.NextAfter;
        }
        while (after is not null);
        return Task.FromResult(all.ToImmutable());
    }

    public async Task<KnowledgeResult> SearchAsync(KnowledgeQuery query)
    {
        var courts = query.CourtId is null ? [] : await AncestorsAsync(query.CourtId);
        var good = options.CurrentValue.GoodScore;
        var hits = book.Search(query.Text, courts, query.Kind, query.Top)
            .Select(h => new KnowledgeHit(h.Entry, h.Score, h.Score >= good))
            .ToImmutableArray();
        if (query.Source == KnowledgeQuerySource.Staff)
        {
            return new KnowledgeResult(hits, null);
        }

        var searchId = "ks-" + Guid.NewGuid().ToString("N");
        var best = hits.FirstOrDefault();
        store.RecordSearch(new KnowledgeSearchRecord(
            searchId, time.GetUtcNow(), query.Source, query.CourtId, query.Kind, query.Channel, query.Text,
            best?.Entry.EntryId, best?.Score ?? 0, best?.Good ?? false, null));
        return new KnowledgeResult(hits, searchId);
    }

    public async Task<ImmutableArray<KnowledgeHit>> SuggestOnSubmitAsync(string text, string? courtId, TicketKind kind)
    {
        var top = options.CurrentValue.SuggestionsOnSubmit;
        return top == 0 ? [] : (await SearchAsync(new KnowledgeQuery(text, courtId, kind, top, KnowledgeQuerySource.Staff))).Hits;
    }

    public Task<bool> VersionExistsAsync(string entryId, int version) => Task.FromResult(store.VersionExists(entryId, version));

    public Task<bool> AttachTicketAsync(string searchId, string ticketId) => Task.FromResult(store.AttachTicket(searchId, ticketId));

    /// <summary>The court and the courts above it, by the directory's parent links (an unknown court: itself only).</summary>
    private async Task<ImmutableArray<string>> AncestorsAsync(string courtId)
    {
        var now = time.GetUtcNow();
        if (_ancestors.TryGetValue(courtId, out var known) && known.Until > now)
        {
            return known.Courts;
        }

        var chain = ImmutableArray.CreateBuilder<string>();
        for (var court = courtId; court is not null && chain.Count < MaxDepth && !chain.Contains(court);)
        {
            chain.Add(court);
            court = (await GrainFactory.GetGrain<ICourtGrain>(court).GetAsync())?.Court.ParentCourtId;
        }

        var courts = chain.ToImmutable();
        _ancestors[courtId] = (courts, now + AncestorsFor);
        return courts;
    }

    private KnowledgeEntry Changed(KnowledgeEntry entry)
    {
        KnowledgeLog.Changed(logger, entry.EntryId, entry.Version, entry.Retired ? ", retired" : string.Empty, entry.ChangedBy);

        // This silo searches it at once; the others within Engine:Knowledge:RefreshInterval.
        book.Refresh();
        return entry;
    }
}
