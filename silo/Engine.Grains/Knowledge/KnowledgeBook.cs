using System.Collections.Concurrent;
using Engine.Contracts;
using Engine.Domain;
using Engine.Grains.Deadlines;
using Engine.ProtoMapping;
using Engine.Search;
using Engine.Storage.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Knowledge;

/// <summary>
/// This silo's copy of the knowledge base: every entry in use, and an <see cref="IKnowledgeIndex"/> of those effective
/// today (court time). Loaded from the tables at start; afterwards <see cref="Refresh"/> reads the changes above the
/// last it saw (polled by <see cref="KnowledgeWatchService"/>, and called at once after a change made here), and the
/// index is rebuilt when the court's day turns (entries come into and out of their dates).
/// </summary>
public sealed partial class KnowledgeBook
{
    private readonly KnowledgeStore _store;
    private readonly IKnowledgeIndex _index;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<DeadlineOptions> _deadlines;
    private readonly ILogger<KnowledgeBook> _logger;
    private readonly ConcurrentDictionary<string, KnowledgeEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _refreshing = new();
    private long _change;
    private DateOnly _day;

    public KnowledgeBook(KnowledgeStore store, IKnowledgeIndex index, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptionsMonitor<DeadlineOptions> deadlines, ILogger<KnowledgeBook> logger)
    {
        _store = store;
        _index = index;
        _time = time;
        _deadlines = deadlines;
        _logger = logger;
        Refresh();
        KnowledgeLog.Loaded(logger, _entries.Count, _index.Count, _change);
    }

    /// <summary>The highest knowledge change this silo has read.</summary>
    public long Change => Volatile.Read(ref _change);

    /// <summary>Entries in use (whatever their dates).</summary>
    public int Count => _entries.Count;

    /// <summary>The court's day now.</summary>
    public DateOnly Today
    {
        get
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(_deadlines.CurrentValue.TimeZone);
            return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), zone).DateTime);
        }
    }

    /// <summary>Reads the changes made since the last read (on any silo) into the index; rebuilds the index when the
    /// day turned.</summary>
    public void Refresh()
    {
        lock (_refreshing)
        {
            var today = Today;
            var changed = _store.ChangedSince(_change);
            foreach (var entry in changed)
            {
                if (entry.Retired)
                {
                    _entries.TryRemove(entry.EntryId, out _);
                }
                else
                {
                    _entries[entry.EntryId] = entry;
                }
            }

            if (today != _day)
            {
                _day = today;
                var effective = _entries.Values.Where(e => e.Content.IsEffectiveOn(today)).Select(Document).ToArray();
                if (_index is Bm25KnowledgeIndex bulk)
                {
                    bulk.Load(effective);
                }
                else
                {
                    Reload(changed.Where(e => e.Retired), today);
                }
            }
            else
            {
                foreach (var entry in changed)
                {
                    if (entry.Retired || !entry.Content.IsEffectiveOn(today))
                    {
                        _index.Remove(entry.EntryId);
                    }
                    else
                    {
                        _index.Upsert(Document(entry));
                    }
                }
            }

            if (changed.Count > 0)
            {
                Volatile.Write(ref _change, changed[^1].Change);
            }
        }
    }

    /// <summary>The best entries for <paramref name="text"/> among those of <paramref name="courts"/> (the asking
    /// court and its ancestors) and those for every court, answering <paramref name="kind"/>.</summary>
    public IReadOnlyList<(KnowledgeEntry Entry, double Score)> Search(string text, IReadOnlyList<string> courts, TicketKind kind, int top)
    {
        var scope = new SearchScope(courts, kind == TicketKind.Unspecified ? null : EnumNames.ShortName("TicketKind", (int)kind));
        var found = new List<(KnowledgeEntry, double)>(top);
        foreach (var hit in _index.Search(text, scope, top))
        {
            if (_entries.TryGetValue(hit.EntryId, out var entry))
            {
                found.Add((entry, hit.Score));
            }
        }

        return found;
    }

    /// <summary>The entry as this silo holds it (null: retired or unknown here).</summary>
    public KnowledgeEntry? Find(string entryId) => _entries.GetValueOrDefault(entryId);

    /// <summary>Brings an index that cannot be loaded in bulk to the entries effective on <paramref name="today"/>.</summary>
    private void Reload(IEnumerable<KnowledgeEntry> retired, DateOnly today)
    {
        foreach (var entry in retired)
        {
            _index.Remove(entry.EntryId);
        }

        foreach (var entry in _entries.Values)
        {
            if (entry.Content.IsEffectiveOn(today))
            {
                _index.Upsert(Document(entry));
            }
            else
            {
                _index.Remove(entry.EntryId);
            }
        }
    }

    private static SearchDocument Document(KnowledgeEntry entry) => new(
        entry.EntryId, entry.Version, entry.Content.Question, entry.Content.Variants, entry.Content.Answer, entry.Content.CourtId,
        [.. entry.Content.Kinds.Select(k => EnumNames.ShortName("TicketKind", (int)k))], entry.Content.Tags);
}

internal static partial class KnowledgeLog
{
    [LoggerMessage(EventId = LogEventIds.KnowledgeLoaded, Level = LogLevel.Information, Message = "Knowledge base loaded: {Entries} entries in use, {Effective} effective today (change {Change})")]
    public static partial void Loaded(ILogger logger, int entries, int effective, long change);

    [LoggerMessage(EventId = LogEventIds.KnowledgeRefreshFailed, Level = LogLevel.Warning, Message = "Knowledge base changes could not be read; searching with what is loaded")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEventIds.KnowledgeChanged, Level = LogLevel.Information, Message = "Knowledge entry {EntryId} is at version {Version}{Retired} (by {Actor})")]
    public static partial void Changed(ILogger logger, string entryId, int version, string retired, string actor);

    [LoggerMessage(EventId = LogEventIds.KnowledgeImported, Level = LogLevel.Information, Message = "Knowledge import by {Actor}: {Created} created, {Updated} updated, {Unchanged} unchanged, {Skipped} retired left alone")]
    public static partial void Imported(ILogger logger, string actor, int created, int updated, int unchanged, int skipped);
}
