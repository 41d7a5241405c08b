using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Stats;
using Engine.Storage.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Grains.Statistics;

/// <summary>Answers statistics from the tables the projector keeps: sums over the daily rows of a scope and period,
/// never a scan of the tickets (overdue tickets are found through their own small index).</summary>
public sealed class StatsReader([FromKeyedServices(StatsProjector.DatabaseKey)] Database database, StatsProjector projector)
{
    public StatsAnswer GetStats(StatsQuery query, long asOf)
    {
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        var dims = query.GroupBy.Select(Column).ToArray();
        var courts = Courts(connection, snapshot, query.CourtId, query.IncludeSubordinate);
        var rows = new Dictionary<string, Accumulated>(StringComparer.Ordinal);
        var total = new Accumulated([]);

        using (var command = connection.Command(string.Empty, snapshot))
        {
            var where = Where(command, query, projector.Counting.DaysOf(query.From, query.To), courts);
            command.CommandText = $"""
                SELECT {Select(dims)}{string.Join(", ", StatsColumns.Counters.Select(c => $"SUM({c})"))}
                FROM stats_daily {where} {GroupBy(dims)};
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var keys = Keys(reader, query.GroupBy);
                var counters = Enumerable.Range(0, StatsColumns.Counters.Length).Select(i => reader.IsDBNull(dims.Length + i) ? 0 : Convert.ToInt64(reader.GetValue(dims.Length + i), CultureInfo.InvariantCulture)).ToArray();
                Row(rows, keys).Add(counters);
                total.Add(counters);
            }
        }

        using (var command = connection.Command(string.Empty, snapshot))
        {
            var where = Where(command, query, projector.Counting.DaysOf(query.From, query.To), courts);
            command.CommandText = $"""
                SELECT {Select(dims)}bucket, SUM(count) FROM stats_reply_times {where} {GroupBy([.. dims, "bucket"])};
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var keys = Keys(reader, query.GroupBy);
                var bucket = (reader.GetInt32(dims.Length), Convert.ToInt64(reader.GetValue(dims.Length + 1), CultureInfo.InvariantCulture));
                Row(rows, keys).Buckets.Add(bucket);
                total.Buckets.Add(bucket);
            }
        }

        // Overdue now is the present, whatever the period; by day, each ticket is under the day it fell overdue, and
        // only the days of the period have rows.
        var (firstDay, lastDay) = projector.Counting.DaysOf(query.From, query.To);
        var dayAt = query.GroupBy.IndexOf(StatsDimension.Day);
        foreach (var (keys, overdue) in OverdueNow(connection, snapshot, query, courts))
        {
            total.OverdueNow += overdue;
            var day = dayAt < 0 ? (int?)null : int.Parse(keys[dayAt].Replace("-", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
            if (day is null || (day >= (firstDay ?? int.MinValue) && day <= (lastDay ?? int.MaxValue)))
            {
                Row(rows, keys).OverdueNow += overdue;
            }
        }

        return new StatsAnswer(
            total.Figures(),
            [.. rows.Values.OrderBy(r => string.Join('\u0001', r.Keys), StringComparer.Ordinal).Select(r => r.Figures())],
            asOf);
    }

    public HotTopics GetHotTopics(string? courtId, bool includeSubordinate, DateTimeOffset start, DateTimeOffset end, int limit)
    {
        var (first, last) = projector.Counting.DaysOf(start, end);
        var (from, to) = (StatsCounting.Date(first!.Value), StatsCounting.Date(last!.Value));
        var days = to.DayNumber - from.DayNumber + 1;
        var (previousFrom, previousTo) = (from.AddDays(-days), from.AddDays(-1));
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        var scope = new StatsQuery(courtId, null, null, null, null, []);
        var courts = Courts(connection, snapshot, courtId, includeSubordinate);

        Dictionary<string, long> SubKinds(DateOnly f, DateOnly t)
        {
            using var command = connection.Command(string.Empty, snapshot);
            var where = Where(command, scope, (StatsCounting.Number(f), StatsCounting.Number(t)), courts);
            command.CommandText = $"SELECT sub_kind, SUM(received) FROM stats_daily {where} GROUP BY sub_kind;";
            return Pairs(command, r => r.GetInt32(0).ToString(CultureInfo.InvariantCulture));
        }

        Dictionary<string, long> Terms(DateOnly f, DateOnly t, IReadOnlyCollection<string>? only)
        {
            using var command = connection.Command(string.Empty, snapshot);
            var sql = new StringBuilder($"SELECT term, SUM(count) FROM stats_terms {Where(command, scope, (StatsCounting.Number(f), StatsCounting.Number(t)), courts)}");

            if (only is not null)
            {
                sql.Append(" AND term IN (").Append(string.Join(", ", only.Select((term, i) =>
                {
                    command.Add($"@t{i}", term);
                    return $"@t{i}";
                }))).Append(')');
            }

            sql.Append(" GROUP BY term");
            if (only is null)
            {
                sql.Append(" ORDER BY SUM(count) DESC, term LIMIT @limit");
                command.Add("@limit", limit);
            }

            command.CommandText = sql.Append(';').ToString();
            return Pairs(command, r => r.GetString(0));
        }

        var subKinds = SubKinds(from, to);
        var previousSubKinds = SubKinds(previousFrom, previousTo);
        var terms = Terms(from, to, null);
        var previousTerms = terms.Count == 0 ? [] : Terms(previousFrom, previousTo, terms.Keys);
        return new HotTopics(Top(subKinds, previousSubKinds, limit), Top(terms, previousTerms, limit));
    }

    public OverdueList ListOverdue(string? courtId, string? divisionId, string? judgeId, int limit, bool includeSubordinate = false)
    {
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        var scope = new StatsQuery(courtId, divisionId, judgeId, null, null, []);
        var courts = Courts(connection, snapshot, courtId, includeSubordinate);
        var total = CountTickets(connection, snapshot, scope, "overdue_since_ms IS NOT NULL", courts);

        using var command = connection.Command(string.Empty, snapshot);
        command.CommandText = $"""
            SELECT ticket_id, court_id, division_id, judge_id, kind, sub_kind, channel, overdue_since_ms FROM stats_tickets
            {Where(command, scope, days: null, courts)} AND overdue_since_ms IS NOT NULL
            ORDER BY overdue_since_ms, ticket_id LIMIT @limit;
            """;
        command.Add("@limit", limit);
        var tickets = ImmutableArray.CreateBuilder<OverdueTicket>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            tickets.Add(new OverdueTicket(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (TicketKind)reader.GetInt32(4),
                (TicketSubKind)reader.GetInt32(5), (Channel)reader.GetInt32(6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }

        return new OverdueList(tickets.ToImmutable(), total);
    }

    /// <summary>A page of a supervision list (<see cref="SupervisionLists"/>).</summary>
    public SupervisionListPage ListSupervision(SupervisionQuery query)
    {
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        return SupervisionLists.Read(connection, snapshot, query);
    }

    /// <summary>The circulated report (<see cref="CirculatedReports"/>) of the whole days the query's period covers.</summary>
    public CirculatedReport GetCirculatedReport(CirculatedQuery query, long asOf)
    {
        var (first, last) = projector.Counting.DaysOf(query.From, query.To);
        var from = projector.Counting.StartOf(StatsCounting.Date(first!.Value)).ToUnixTimeMilliseconds();
        var to = projector.Counting.StartOf(StatsCounting.Date(last!.Value).AddDays(1)).ToUnixTimeMilliseconds();
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        return CirculatedReports.Read(connection, snapshot, query, (from, to), asOf);
    }

    /// <summary>Ratings per person or window of one kind, the most rated first (then by court and id).</summary>
    public SatisfactionAnswer GetSatisfaction(string? courtId, bool includeSubordinate, DateTimeOffset? from, DateTimeOffset? until, RatedSubject subject, int limit, long asOf)
    {
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        using var command = connection.Command(string.Empty, snapshot);
        var where = Where(command, new StatsQuery(courtId, null, null, null, null, []), projector.Counting.DaysOf(from, until), Courts(connection, snapshot, courtId, includeSubordinate));
        command.CommandText = $"""
            SELECT court_id, subject_id, SUM(ratings), SUM(service_satisfied), SUM(result_satisfied), SUM(dissatisfied) FROM stats_ratings
            {where} AND subject_type = @subject GROUP BY court_id, subject_id
            ORDER BY SUM(ratings) DESC, court_id, subject_id LIMIT @limit;
            """;
        command.Add("@subject", (int)subject);
        command.Add("@limit", limit);
        var rows = ImmutableArray.CreateBuilder<SatisfactionFigures>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            long Sum(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            rows.Add(new SatisfactionFigures(reader.GetString(0), reader.GetString(1), Sum(2), Sum(3), Sum(4), Sum(5)));
        }

        return new SatisfactionAnswer(rows.ToImmutable(), asOf);
    }

    /// <summary>Online filings with no decision yet, the longest waiting first.</summary>
    public PendingFilingList ListPendingFilings(string? courtId, bool includeSubordinate, int limit)
    {
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        var scope = new StatsQuery(courtId, null, null, null, null, []);
        var courts = Courts(connection, snapshot, courtId, includeSubordinate);
        var total = CountTickets(connection, snapshot, scope, "filing_pending_since_ms IS NOT NULL", courts);

        using var command = connection.Command(string.Empty, snapshot);
        command.CommandText = $"""
            SELECT ticket_id, court_id, channel, filing_pending_since_ms, filing_due_ms FROM stats_tickets
            {Where(command, scope, days: null, courts)} AND filing_pending_since_ms IS NOT NULL
            ORDER BY filing_pending_since_ms, ticket_id LIMIT @limit;
            """;
        command.Add("@limit", limit);
        var filings = ImmutableArray.CreateBuilder<PendingFiling>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            filings.Add(new PendingFiling(
                reader.GetString(0), reader.GetString(1), (Channel)reader.GetInt32(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return new PendingFilingList(filings.ToImmutable(), total);
    }

    /// <summary>How many remembered tickets of a scope meet <paramref name="condition"/> (SQL of stats_tickets' columns).</summary>
    private static long CountTickets(DbConnection connection, DbTransaction snapshot, StatsQuery scope, string condition, ImmutableArray<string> courts = default)
    {
        using var count = connection.Command(string.Empty, snapshot);
        count.CommandText = $"SELECT COUNT(*) FROM stats_tickets {Where(count, scope, days: null, courts)} AND {condition};";
        return Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private List<(string[] Keys, long Count)> OverdueNow(DbConnection connection, DbTransaction snapshot, StatsQuery query, ImmutableArray<string> courts)
    {
        // stats_tickets has no day column: by day, the day a ticket fell overdue, worked out here.
        var dims = query.GroupBy.Select(d => d == StatsDimension.Day ? "overdue_since_ms" : Column(d)).ToArray();
        using var command = connection.Command(string.Empty, snapshot);
        command.CommandText = $"""
            SELECT {Select(dims)}COUNT(*) FROM stats_tickets {Where(command, query, days: null, courts)}
            AND overdue_since_ms IS NOT NULL {GroupBy(dims)};
            """;
        var found = new List<(string[] Keys, long Count)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var keys = new string[dims.Length];
            for (var i = 0; i < dims.Length; i++)
            {
                keys[i] = query.GroupBy[i] == StatsDimension.Day
                    ? Day(projector.Counting.DayOf(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i))))
                    : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
            }

            found.Add((keys, Convert.ToInt64(reader.GetValue(dims.Length), CultureInfo.InvariantCulture)));
        }

        return found;
    }

    private static ImmutableArray<HotTopicCount> Top(Dictionary<string, long> now, Dictionary<string, long> before, int limit) =>
        [.. now.Where(p => p.Value > 0).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(limit)
            .Select(p => new HotTopicCount(p.Key, p.Value, before.GetValueOrDefault(p.Key)))];

    private static Dictionary<string, long> Pairs(DbCommand command, Func<DbDataReader, string> key)
    {
        var pairs = new Dictionary<string, long>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            pairs[key(reader)] = reader.IsDBNull(1) ? 0 : Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return pairs;
    }

    /// <summary>The directory's court tree as counted (stats_courts).</summary>
    public CourtTree GetCourtTree()
    {
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        return ReadTree(connection, snapshot);
    }

    internal static CourtTree ReadTree(DbConnection connection, DbTransaction snapshot)
    {
        using var command = connection.Command("SELECT court_id, parent_court_id FROM stats_courts;", snapshot);
        using var reader = command.ExecuteReader();
        var parents = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            parents[reader.GetString(0)] = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
        }

        return new CourtTree(parents.ToImmutable());
    }

    /// <summary>The courts a court's figures sum, for readers of other tables: the court alone, or with the courts under
    /// it its whole subtree (the court first).</summary>
    public ImmutableArray<string> CourtsOf(string courtId, bool includeSubordinate) =>
        includeSubordinate ? GetCourtTree().Subtree(courtId) : [courtId];

    /// <summary>The courts a court's figures sum: with the courts under it, the whole subtree; otherwise none (the
    /// query's court alone, or every court).</summary>
    internal static ImmutableArray<string> Courts(DbConnection connection, DbTransaction snapshot, string? courtId, bool includeSubordinate) =>
        courtId is not null && includeSubordinate ? ReadTree(connection, snapshot).Subtree(courtId) : [];

    /// <summary>SQL conditions of a scope; <paramref name="courts"/>, when given, replaces the query's one court.</summary>
    private static string Where(DbCommand command, StatsQuery query, (int? From, int? To)? days, ImmutableArray<string> courts = default)
    {
        var where = new StringBuilder("WHERE 1 = 1");
        void Equal(string column, string? value)
        {
            if (value is not null)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND {column} = @{column}");
                command.Add($"@{column}", value);
            }
        }

        if (courts.IsDefaultOrEmpty)
        {
            Equal("court_id", query.CourtId);
        }
        else
        {
            where.Append(" AND ").Append(CourtIn(command, courts));
        }

        Equal("division_id", query.DivisionId);
        Equal("judge_id", query.JudgeId);
        if (days is { } period)
        {
            // Both bounds, even for a period open at one end: with one, SQLite (no statistics) read the whole history
            // through the court index for a GROUP BY's order instead of the days' range (docs/decisions.md, entry 71).
            where.Append(" AND day >= @from AND day <= @to");
            command.Add("@from", period.From ?? 0);
            command.Add("@to", period.To ?? int.MaxValue);
        }

        return where.ToString();
    }

    /// <summary>"court_id IN (@court0, …)".</summary>
    internal static string CourtIn(DbCommand command, ImmutableArray<string> courts) =>
        "court_id IN (" + string.Join(", ", courts.Select((court, i) =>
        {
            command.Add($"@court{i}", court);
            return $"@court{i}";
        })) + ")";

    private static string Select(string[] dims) => dims.Length == 0 ? string.Empty : string.Join(", ", dims) + ", ";

    private static string GroupBy(string[] dims) => dims.Length == 0 ? string.Empty : "GROUP BY " + string.Join(", ", dims);

    private static string Column(StatsDimension dimension) => dimension switch
    {
        StatsDimension.Court => "court_id",
        StatsDimension.Division => "division_id",
        StatsDimension.Judge => "judge_id",
        StatsDimension.Kind => "kind",
        StatsDimension.SubKind => "sub_kind",
        StatsDimension.Channel => "channel",
        StatsDimension.Day => "day",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "not a statistics dimension"),
    };

    private static string[] Keys(DbDataReader reader, ImmutableArray<StatsDimension> dimensions)
    {
        var keys = new string[dimensions.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = dimensions[i] == StatsDimension.Day
                ? Day(Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture))
                : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
        }

        return keys;
    }

    private static string Day(int day) => $"{day / 10000:D4}-{day / 100 % 100:D2}-{day % 100:D2}";

    private static Accumulated Row(Dictionary<string, Accumulated> rows, string[] keys)
    {
        var id = string.Join('\u0001', keys);
        if (!rows.TryGetValue(id, out var row))
        {
            rows[id] = row = new Accumulated(keys);
        }

        return row;
    }

    private sealed class Accumulated(string[] keys)
    {
        private readonly long[] _counters = new long[StatsColumns.Counters.Length];

        public string[] Keys { get; } = keys;

        public List<(int Bucket, long Count)> Buckets { get; } = [];

        public long OverdueNow { get; set; }

        public void Add(long[] counters)
        {
            for (var i = 0; i < counters.Length; i++)
            {
                _counters[i] += counters[i];
            }
        }

        public StatsFigures Figures() => new([.. Keys], [.. _counters], OverdueNow, ReplyTimeBuckets.Quantile(Buckets, 0.9));
    }
}
