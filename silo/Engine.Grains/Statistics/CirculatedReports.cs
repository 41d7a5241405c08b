using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Storage.Databases;

namespace Engine.Grains.Statistics;

/// <summary>
/// The circulated report (通报), read from stats_steps: the supervision and special supervision steps fired in the
/// period, each under the group the ticket was in when it fired (as GetStats' supervised and specially_supervised,
/// so the two agree), with the reply delay. The counts per judge are one GROUP BY (bounded by the scope's judges);
/// the steps come a page at a time by keyset in court, division, judge, time order. The database sorts the period's
/// supervision steps of the scope for a page (a court's month holds hundreds, not the hundred thousand overdue
/// tickets the supervision lists' indexes are for).
/// </summary>
internal static class CirculatedReports
{
    private static readonly string[] Order = ["court_id", "division_id", "judge_id", "fired_ms", "ticket_id", "step"];

    private static readonly int[] Supervision = [(int)DeadlineStep.Supervision, (int)DeadlineStep.SpecialSupervision];

    public static CirculatedReport Read(DbConnection connection, DbTransaction snapshot, CirculatedQuery query, (long From, long To) period, long asOf)
    {
        var courts = StatsReader.Courts(connection, snapshot, query.CourtId, query.IncludeSubordinate);
        var judges = ImmutableArray.CreateBuilder<CirculatedCounts>();
        var total = new CirculatedCounts(string.Empty, string.Empty, string.Empty, 0, 0, 0, 0, 0, 0);
        using (var command = connection.Command(string.Empty, snapshot))
        {
            command.CommandText = $"""
                SELECT court_id, division_id, judge_id,
                       SUM(CASE WHEN step = {Supervision[0]} THEN 1 ELSE 0 END), SUM(CASE WHEN step = {Supervision[1]} THEN 1 ELSE 0 END),
                       SUM(CASE WHEN replied_ms IS NULL THEN 0 ELSE 1 END), SUM(CASE WHEN replied_ms IS NULL THEN 1 ELSE 0 END),
                       SUM({Delay}), MAX({Delay})
                FROM stats_steps {Where(command, query, courts, period)}
                GROUP BY court_id, division_id, judge_id ORDER BY court_id, division_id, judge_id;
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                long Long(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
                var counts = new CirculatedCounts(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), Long(3), Long(4), Long(5), Long(6), Long(7) / 1000, Long(8) / 1000);
                judges.Add(counts);
                total = total.Plus(counts);
            }
        }

        var entries = ImmutableArray.CreateBuilder<CirculatedEntry>();
        string? next = null;
        using (var command = PageCommand(connection, snapshot, query, courts, period))
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (entries.Count == query.Limit)
                {
                    var last = entries[^1];
                    next = SupervisionLists.Token([
                        last.CourtId, last.DivisionId, last.JudgeId, last.FiredAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                        last.TicketId, ((int)last.Step).ToString(CultureInfo.InvariantCulture)]);
                    break;
                }

                DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture));
                entries.Add(new CirculatedEntry(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (TicketKind)reader.GetInt32(4),
                    (TicketSubKind)reader.GetInt32(5), (DeadlineStep)reader.GetInt32(6), Time(7)!.Value, Time(8), Time(9),
                    Convert.ToInt64(reader.GetValue(10), CultureInfo.InvariantCulture) / 1000));
            }
        }

        return new CirculatedReport(total, judges.ToImmutable(), entries.ToImmutable(), next, courts, asOf);
    }

    /// <summary>Whether <paramref name="token"/> is a page token of the report (the API answers INVALID_ARGUMENT if not).</summary>
    public static bool IsToken(string token)
    {
        try
        {
            SupervisionLists.Parse(token, Order);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Milliseconds from the reply deadline to the reply, or to now when not replied to; 0 without a deadline.</summary>
    private const string Delay =
        "CASE WHEN due_ms IS NULL THEN 0 WHEN COALESCE(replied_ms, @now) > due_ms THEN COALESCE(replied_ms, @now) - due_ms ELSE 0 END";

    private static DbCommand PageCommand(DbConnection connection, DbTransaction snapshot, CirculatedQuery query, ImmutableArray<string> courts, (long From, long To) period)
    {
        var command = connection.Command(string.Empty, snapshot);
        var where = Where(command, query, courts, period);
        if (query.After is { } after)
        {
            object[] values;
            try
            {
                values = SupervisionLists.Parse(after, Order);
            }
            catch (FormatException)
            {
                command.Dispose();
                throw EngineException.Invalid("page_token", "is not a page token of the circulated report (pass back next_page_token)");
            }

            where += $" AND ({string.Join(", ", Order)}) > ({string.Join(", ", Order.Select((_, i) => $"@k{i}"))})";
            for (var i = 0; i < values.Length; i++)
            {
                command.Add($"@k{i}", values[i]);
            }
        }

        command.CommandText = $"""
            SELECT ticket_id, court_id, division_id, judge_id, kind, sub_kind, step, fired_ms, due_ms, replied_ms, {Delay}
            FROM stats_steps {where} ORDER BY {string.Join(", ", Order)} LIMIT @limit;
            """;
        command.Add("@limit", query.Limit + 1);
        return command;
    }

    private static string Where(DbCommand command, CirculatedQuery query, ImmutableArray<string> courts, (long From, long To) period)
    {
        command.Add("@now", query.Now.ToUnixTimeMilliseconds());
        command.Add("@from", period.From);
        command.Add("@to", period.To);
        var where = $"WHERE step IN ({Supervision[0]}, {Supervision[1]}) AND fired_ms >= @from AND fired_ms < @to";
        if (!courts.IsDefaultOrEmpty)
        {
            return where + " AND " + StatsReader.CourtIn(command, courts);
        }

        if (query.CourtId is { } court)
        {
            command.Add("@court", court);
            return where + " AND court_id = @court";
        }

        return where;
    }
}
