using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Storage.Databases;

namespace Engine.Grains.Statistics;

/// <summary>
/// The supervision page's lists, paged by keyset: a page is the rows after the last one of the page before in the
/// list's order, so the database walks an index from there (stats_tickets' and stats_steps' indexes, schema
/// 0003/0019) instead of counting past the rows before. The order always ends with the row's key, so it is total and
/// a page token names one place in it.
/// </summary>
public static class SupervisionLists
{
    public const int MaxLimit = 500;

    private const char Separator = '\u001f';

    private static readonly string[] OverdueColumns =
        ["ticket_id", "court_id", "division_id", "judge_id", "kind", "sub_kind", "channel", "overdue_since_ms", "NULL", "NULL", "NULL"];

    private static readonly string[] StepColumns =
        ["ticket_id", "court_id", "division_id", "judge_id", "kind", "sub_kind", "0", "due_ms", "step", "fired_ms", "replied_ms"];

    internal static SupervisionListPage Read(DbConnection connection, DbTransaction snapshot, SupervisionQuery query)
    {
        long total;
        using (var count = connection.Command(string.Empty, snapshot))
        {
            count.CommandText = $"SELECT COUNT(*) FROM {Table(query)} {Where(count, query)};";
            total = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var order = Order(query);
        var rows = ImmutableArray.CreateBuilder<SupervisionRow>();
        string? next = null;
        using var command = PageCommand(connection, snapshot, query);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (rows.Count == query.Limit)
            {
                var last = rows[^1];
                next = Token(order.Select(c => c switch
                {
                    "court_id" => last.CourtId,
                    "judge_id" => last.JudgeId,
                    "ticket_id" => last.TicketId,
                    "step" => ((int)last.Step!.Value).ToString(CultureInfo.InvariantCulture),
                    "fired_ms" => last.FiredAt!.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                    _ => last.OverdueSince!.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                }));
                break;
            }

            rows.Add(new SupervisionRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (TicketKind)reader.GetInt32(4),
                (TicketSubKind)reader.GetInt32(5), (Channel)reader.GetInt32(6), Time(reader, 7),
                reader.IsDBNull(8) ? null : (DeadlineStep)reader.GetInt32(8), Time(reader, 9), Time(reader, 10)));
        }

        return new SupervisionListPage(rows.ToImmutable(), total, next);
    }

    /// <summary>The page's query (one row more than the page, to know whether another follows): the plan tests
    /// explain it.</summary>
    internal static DbCommand PageCommand(DbConnection connection, DbTransaction? snapshot, SupervisionQuery query)
    {
        var order = Order(query);
        var command = connection.Command(string.Empty, snapshot);
        var where = new StringBuilder(Where(command, query));
        if (query.After is { } after)
        {
            var values = Parse(after, order);
            var direction = query.Descending ? "<" : ">";
            where.Append(CultureInfo.InvariantCulture, $" AND ({string.Join(", ", order)}) {direction} ({string.Join(", ", order.Select((_, i) => $"@k{i}"))})");
            for (var i = 0; i < values.Length; i++)
            {
                command.Add($"@k{i}", values[i]);
            }
        }

        var columns = query.List == SupervisionList.Overdue ? OverdueColumns : StepColumns;
        var sort = string.Join(", ", order.Select(c => query.Descending ? c + " DESC" : c));
        command.CommandText = $"SELECT {string.Join(", ", columns)} FROM {Table(query)} {where} ORDER BY {sort} LIMIT @limit;";
        command.Add("@limit", query.Limit + 1);
        return command;
    }

    /// <summary>Whether <paramref name="token"/> is a page token of a list in this order (the API answers 400 if not).</summary>
    public static bool IsToken(string token, SupervisionQuery query)
    {
        try
        {
            Parse(token, Order(query));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Table(SupervisionQuery query) => query.List == SupervisionList.Overdue ? "stats_tickets" : "stats_steps";

    private static string[] Order(SupervisionQuery query)
    {
        var time = query.List == SupervisionList.Overdue ? "overdue_since_ms" : "fired_ms";
        string[] first = query.Sort switch
        {
            SupervisionSort.Court => ["court_id"],
            SupervisionSort.Judge => ["judge_id"],
            _ => [],
        };
        return query.List == SupervisionList.Overdue ? [.. first, time, "ticket_id"] : [.. first, time, "ticket_id", "step"];
    }

    private static string Where(DbCommand command, SupervisionQuery query)
    {
        var where = new StringBuilder(query.List == SupervisionList.Overdue ? "WHERE overdue_since_ms IS NOT NULL" : "WHERE 1 = 1");
        if (query.CourtIds.Length == 1)
        {
            where.Append(" AND court_id = @court");
            command.Add("@court", query.CourtIds[0]);
        }
        else if (query.CourtIds.Length > 1)
        {
            where.Append(" AND ").Append(StatsReader.CourtIn(command, query.CourtIds));
        }

        void Add(string condition, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(condition);
                command.Add(name, value);
            }
        }

        Add("division_id = @division", "@division", query.DivisionId);
        Add("judge_id = @judge", "@judge", query.JudgeId);
        Add("kind = @kind", "@kind", query.Kind is { } kind ? (int)kind : null);
        if (query.List == SupervisionList.Overdue)
        {
            Add("overdue_since_ms <= @before", "@before", query.OverdueBefore?.ToUnixTimeMilliseconds());
            return where.ToString();
        }

        if (query.Steps.Length > 0)
        {
            where.Append(" AND step IN (").AppendJoin(", ", query.Steps.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture))).Append(')');
        }

        if (query.Replied is { } replied)
        {
            where.Append(replied ? " AND replied_ms IS NOT NULL" : " AND replied_ms IS NULL");
        }

        Add("fired_ms >= @from", "@from", query.From?.ToUnixTimeMilliseconds());
        Add("fired_ms < @to", "@to", query.To?.ToUnixTimeMilliseconds());
        return where.ToString();
    }

    private static DateTimeOffset? Time(DbDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture));

    internal static string Token(IEnumerable<string> values) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join(Separator, values))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The values of a token, typed as the order's columns: text for ids, numbers for times and steps.</summary>
    internal static object[] Parse(string token, string[] order)
    {
        string text;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
        }
        catch (FormatException)
        {
            throw new FormatException("not a page token");
        }

        var parts = text.Split(Separator);
        if (parts.Length != order.Length)
        {
            throw new FormatException("a page token of another list or order");
        }

        return [.. order.Select((column, i) => column is "court_id" or "division_id" or "judge_id" or "ticket_id"
            ? (object)parts[i]
            : long.Parse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))];
    }
}
