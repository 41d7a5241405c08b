using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using Engine.Contracts;
using Engine.Domain;
using Engine.ProtoMapping;
using Engine.Search;
using Engine.Storage.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Grains.Statistics;

/// <summary>
/// The knowledge base's figures (docs/knowledge.md, "Figures"): the recorded searches (knowledge_searches, in the
/// engine's database) summed by SQL per source, court and kind; the citations on the spot and the on-the-spot counters
/// from the statistics' tables (stats_citations, stats_daily); the entries from the knowledge base's tables. The period
/// is rounded out to whole days in the engine's time zone, as every statistic is.
/// </summary>
public sealed class KnowledgeFiguresReader([FromKeyedServices(StatsProjector.DatabaseKey)] Database stats, Database engine, StatsProjector projector)
{
    /// <summary>At most this many questions without a good entry (the latest of the period) are split into words for
    /// the gaps: a bound on the cost of one read. <see cref="KnowledgeFigures.GapQuestions"/> says how many there were.</summary>
    public const int MaxGapQuestions = 50_000;

    /// <summary>The figures of <paramref name="courts"/> (null: every court) summed as one.</summary>
    public KnowledgeFigures Read(ImmutableArray<string>? courts, DateTimeOffset from, DateTimeOffset until, int limit, long asOf)
    {
        var (firstDay, lastDay) = projector.Counting.DaysOf(from, until);
        var (first, last) = (firstDay!.Value, lastDay!.Value);
        var (start, end) = (projector.Counting.StartOf(StatsCounting.Date(first)), projector.Counting.StartOf(StatsCounting.Date(last).AddDays(1)));

        var searches = new Searches(engine, courts, start, end);
        var groups = searches.Groups();
        var hits = searches.GoodHits(courts);
        var citations = Citations(courts, first, last);
        var (received, onSpot) = OnSpot(courts, first, last);
        var entries = Entries();

        KnowledgeHitRate Rate(string key, IEnumerable<SearchGroup> of) => new(key, of.Sum(g => g.Searches), of.Sum(g => g.Good));
        ImmutableArray<KnowledgeHitRate> By(Func<SearchGroup, string> key) =>
            [.. groups.GroupBy(key, StringComparer.Ordinal).Select(g => Rate(g.Key, g)).OrderByDescending(r => r.Searches).ThenBy(r => r.Key, StringComparer.Ordinal)];

        var used = hits.Keys.Union(citations.Keys, StringComparer.Ordinal)
            .Select(id => new KnowledgeEntryUse(id, entries.TryGetValue(id, out var e) ? e.Question : string.Empty, hits.GetValueOrDefault(id), citations.GetValueOrDefault(id)))
            .OrderByDescending(u => u.Uses).ThenBy(u => u.EntryId, StringComparer.Ordinal);

        // Never used: an entry of the scope, in use and effective on some day of the period, that no search anywhere
        // found as its good best entry and no answer on the spot anywhere cited.
        var usedAnywhere = courts is null ? hits.Keys.Union(citations.Keys, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal)
            : searches.GoodHits(null).Keys.Union(Citations(null, first, last).Keys, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var (firstDate, lastDate) = (StatsCounting.Date(first), StatsCounting.Date(last));
        var never = entries.Values
            .Where(e => !e.Retired && (courts is null || (e.CourtId is not null && courts.Value.Contains(e.CourtId))) && (e.From is null || e.From <= lastDate) && (e.To is null || e.To >= firstDate))
            .Where(e => !usedAnywhere.Contains(e.EntryId))
            .OrderBy(e => e.EntryId, StringComparer.Ordinal)
            .ToList();

        var all = Rate(string.Empty, groups);
        var selfService = groups.Where(g => g.Source == KnowledgeQuerySource.SelfService).ToList();
        return new KnowledgeFigures(
            all,
            By(g => SourceName(g.Source)),
            By(g => g.Court),
            By(g => EnumNames.ShortName("TicketKind", (int)g.Kind)),
            selfService.Sum(g => g.Searches),
            selfService.Sum(g => g.OpenedTicket),
            received,
            onSpot,
            citations.Values.Sum(),
            [.. used.Take(limit)],
            never.Count,
            [.. never.Take(limit).Select(e => new KnowledgeEntryUse(e.EntryId, e.Question, 0, 0))],
            all.Searches - all.Good,
            GapWords.Top(searches.TextsWithoutGoodEntry(MaxGapQuestions), limit),
            asOf);
    }

    /// <summary>The name of a search's source in answers: SELF_SERVICE, SUGGESTION (staff searches are not recorded).</summary>
    public static string SourceName(KnowledgeQuerySource source) => source switch
    {
        KnowledgeQuerySource.SelfService => "SELF_SERVICE",
        KnowledgeQuerySource.Suggestion => "SUGGESTION",
        _ => "STAFF",
    };

    private Dictionary<string, long> Citations(ImmutableArray<string>? courts, int first, int last)
    {
        using var connection = stats.Open();
        using var command = connection.Command(string.Empty);
        command.CommandText = $"SELECT entry_id, SUM(count) FROM stats_citations WHERE {Days(command, courts, first, last)} GROUP BY entry_id;";
        return Counts(command);
    }

    private (long Received, long AnsweredOnSpot) OnSpot(ImmutableArray<string>? courts, int first, int last)
    {
        using var connection = stats.Open();
        using var command = connection.Command(string.Empty);
        command.CommandText = $"SELECT SUM(received), SUM(answered_on_spot) FROM stats_daily WHERE {Days(command, courts, first, last)};";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (Long(reader, 0), Long(reader, 1)) : (0, 0);
    }

    /// <summary>The days from <paramref name="first"/> to <paramref name="last"/> of <paramref name="courts"/> (null: every
    /// court), as SQL conditions on a daily table.</summary>
    private static string Days(DbCommand command, ImmutableArray<string>? courts, int first, int last)
    {
        command.Add("@first", first);
        command.Add("@last", last);
        return "day >= @first AND day <= @last" + InCourts(command, courts);
    }

    /// <summary>" AND court_id IN (…)", or nothing for every court.</summary>
    private static string InCourts(DbCommand command, ImmutableArray<string>? courts) =>
        courts is { } some ? " AND " + StatsReader.CourtIn(command, some) : string.Empty;

    /// <summary>Every entry's current version (retired ones too: a retired entry may have been used in the period).</summary>
    private Dictionary<string, EntryRow> Entries()
    {
        using var connection = engine.Open();
        using var command = connection.Command("""
            SELECT e.entry_id, v.question, e.court_id, e.retired, v.effective_from, v.effective_to
            FROM knowledge_entries e JOIN knowledge_versions v ON v.entry_id = e.entry_id AND v.version = e.version;
            """);
        var entries = new Dictionary<string, EntryRow>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            DateOnly? Day(int i) => reader.IsDBNull(i) ? null : DateOnly.ParseExact(reader.GetString(i), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var id = reader.GetString(0);
            entries[id] = new EntryRow(id, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), Long(reader, 3) != 0, Day(4), Day(5));
        }

        return entries;
    }

    private static Dictionary<string, long> Counts(DbCommand command)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            counts[reader.GetString(0)] = Long(reader, 1);
        }

        return counts;
    }

    private static long Long(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private sealed record EntryRow(string EntryId, string Question, string? CourtId, bool Retired, DateOnly? From, DateOnly? To);

    private sealed record SearchGroup(KnowledgeQuerySource Source, string Court, TicketKind Kind, long Searches, long Good, long OpenedTicket);

    /// <summary>The recorded searches of a period [start, end), and of some courts when they are given.</summary>
    private sealed class Searches(Database engine, ImmutableArray<string>? courts, DateTimeOffset start, DateTimeOffset end)
    {
        /// <summary>Searches, good ones and those followed by a ticket, per source, court (empty: none) and kind.</summary>
        public List<SearchGroup> Groups()
        {
            using var connection = engine.Open();
            using var command = Where(connection, courts, """
                SELECT source, COALESCE(court_id, ''), kind, COUNT(*), SUM(good), SUM(CASE WHEN ticket_id IS NULL THEN 0 ELSE 1 END)
                FROM knowledge_searches
                """, "GROUP BY source, COALESCE(court_id, ''), kind");
            var groups = new List<SearchGroup>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                groups.Add(new SearchGroup(
                    (KnowledgeQuerySource)Long(reader, 0), reader.GetString(1), (TicketKind)Long(reader, 2), Long(reader, 3), Long(reader, 4), Long(reader, 5)));
            }

            return groups;
        }

        /// <summary>Per entry, the searches (of <paramref name="of"/>; null: every court) whose good best entry it was.</summary>
        public Dictionary<string, long> GoodHits(ImmutableArray<string>? of)
        {
            using var connection = engine.Open();
            using var command = Where(connection, of, "SELECT best_entry_id, COUNT(*) FROM knowledge_searches", "AND good = 1 AND best_entry_id IS NOT NULL GROUP BY best_entry_id");
            return Counts(command);
        }

        /// <summary>The questions whose search found no good entry, the latest first.</summary>
        public List<string> TextsWithoutGoodEntry(int max)
        {
            using var connection = engine.Open();
            using var command = Where(connection, courts, "SELECT text FROM knowledge_searches", "AND good = 0 ORDER BY at_ms DESC, search_id LIMIT @max");
            command.Add("@max", max);
            var texts = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                texts.Add(reader.GetString(0));
            }

            return texts;
        }

        private DbCommand Where(DbConnection connection, ImmutableArray<string>? of, string select, string rest)
        {
            var command = connection.Command(string.Empty);
            command.CommandText = $"{select} WHERE at_ms >= @start AND at_ms < @end{InCourts(command, of)} {rest};";
            command.Add("@start", start.ToUnixTimeMilliseconds());
            command.Add("@end", end.ToUnixTimeMilliseconds());
            return command;
        }
    }
}

/// <summary>The gaps: the words (<see cref="TopicWords"/>) of questions that found no good entry, each counted once per
/// question, the most frequent first (then by word), each with the first question given that holds it.</summary>
public static class GapWords
{
    public static ImmutableArray<KnowledgeGap> Top(IEnumerable<string> questions, int limit)
    {
        var counts = new Dictionary<string, (long Count, string Example)>(StringComparer.Ordinal);
        foreach (var question in questions)
        {
            foreach (var word in TopicWords.Of(question))
            {
                counts[word] = counts.TryGetValue(word, out var seen) ? (seen.Count + 1, seen.Example) : (1, question);
            }
        }

        return [.. counts.OrderByDescending(c => c.Value.Count).ThenBy(c => c.Key, StringComparer.Ordinal).Take(limit)
            .Select(c => new KnowledgeGap(c.Key, c.Value.Count, c.Value.Example))];
    }
}
