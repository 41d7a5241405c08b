using Engine.Contracts;
using Engine.ProtoMapping;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>The circulated report at the gRPC edge: the counts per judge nested into courts and divisions (each group
/// the sum of the groups in it, so every level adds up to the total), and the steps.</summary>
internal static class CirculatedMapping
{
    public static V1.GetCirculatedReportResponse Response(CirculatedReport report)
    {
        var response = new V1.GetCirculatedReportResponse
        {
            Total = Counts(report.Total), NextPageToken = report.Next ?? string.Empty, AsOfSequence = report.AsOfSequence,
        };
        response.CoveredCourtIds.AddRange(report.Courts);
        foreach (var court in report.Judges.GroupBy(j => j.CourtId, StringComparer.Ordinal))
        {
            var c = new V1.CirculatedCourt { CourtId = court.Key, Counts = Counts(Sum(court)) };
            foreach (var division in court.GroupBy(j => j.DivisionId, StringComparer.Ordinal))
            {
                var d = new V1.CirculatedDivision { DivisionId = division.Key, Counts = Counts(Sum(division)) };
                d.Judges.AddRange(division.Select(j => new V1.CirculatedJudge { JudgeId = j.JudgeId, Counts = Counts(j) }));
                c.Divisions.Add(d);
            }

            response.Courts.Add(c);
        }

        response.Steps.AddRange(report.Entries.Select(e => new V1.CirculatedStep
        {
            TicketId = e.TicketId, CourtId = e.CourtId, DivisionId = e.DivisionId, JudgeId = e.JudgeId, Kind = (V1.TicketKind)e.Kind,
            SubKind = (V1.TicketSubKind)e.SubKind, Step = (V1.DeadlineKind)((int)e.Step + 1), FiredAt = Timestamp.FromDateTimeOffset(e.FiredAt),
            DueAt = Mapping.ToTimestamp(e.DueAt), RepliedAt = Mapping.ToTimestamp(e.RepliedAt), Replied = e.RepliedAt is not null,
            DelaySeconds = e.DelaySeconds,
        }));
        return response;
    }

    private static CirculatedCounts Sum(IEnumerable<CirculatedCounts> groups) => groups.Aggregate((a, b) => a.Plus(b));

    private static V1.CirculatedCounts Counts(CirculatedCounts c) => new()
    {
        Supervised = c.Supervised, SpeciallySupervised = c.SpeciallySupervised, Replied = c.Replied, NotReplied = c.NotReplied,
        MeanDelaySeconds = c.MeanDelaySeconds ?? 0, MaxDelaySeconds = c.MaxDelaySeconds,
    };
}
