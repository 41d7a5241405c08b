using System.Collections.Immutable;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Contracts;

/// <summary>The circulated report (通报) of a court (null: every court; with <paramref name="IncludeSubordinate"/>, the
/// court and every court beneath it) for the steps fired in the days from <paramref name="From"/> up to
/// <paramref name="To"/> (rounded out to whole days as GetStats' period); <paramref name="Now"/> is when a step not
/// replied to counts its delay up to. <paramref name="After"/>: the <see cref="CirculatedReport.Next"/> of the page
/// before.</summary>
[GenerateSerializer, Immutable]
public sealed record CirculatedQuery(string? CourtId, bool IncludeSubordinate, DateTimeOffset From, DateTimeOffset To, DateTimeOffset Now, string? After, int Limit);

/// <summary>A supervision or special supervision step of the report: the ticket, its group when the step fired, its
/// reply deadline then (<paramref name="DueAt"/>, null on a clock without one) and when it was replied to (null: not
/// yet). <paramref name="DelaySeconds"/>: from the deadline to the reply, or to the report's now when not replied to
/// (0 without a deadline).</summary>
[GenerateSerializer, Immutable]
public sealed record CirculatedEntry(
    string TicketId, string CourtId, string DivisionId, string JudgeId, TicketKind Kind, TicketSubKind SubKind,
    DeadlineStep Step, DateTimeOffset FiredAt, DateTimeOffset? DueAt, DateTimeOffset? RepliedAt, long DelaySeconds);

/// <summary>The counts of a group (a court, a division of it, a judge of that division; empty ids for steps of tickets
/// held by no division or judge): its supervision and special supervision steps, how many of them were replied to
/// since and how many not, and the reply delay over them (mean and longest, in seconds).</summary>
[GenerateSerializer, Immutable]
public sealed record CirculatedCounts(
    string CourtId, string DivisionId, string JudgeId, long Supervised, long SpeciallySupervised, long Replied, long NotReplied,
    long DelaySeconds, long MaxDelaySeconds)
{
    public long Steps => Supervised + SpeciallySupervised;

    public double? MeanDelaySeconds => Steps == 0 ? null : (double)DelaySeconds / Steps;

    public CirculatedCounts Plus(CirculatedCounts other) => this with
    {
        Supervised = Supervised + other.Supervised, SpeciallySupervised = SpeciallySupervised + other.SpeciallySupervised,
        Replied = Replied + other.Replied, NotReplied = NotReplied + other.NotReplied, DelaySeconds = DelaySeconds + other.DelaySeconds,
        MaxDelaySeconds = Math.Max(MaxDelaySeconds, other.MaxDelaySeconds),
    };
}

/// <summary>The report: the total, the counts per judge (in court, division, judge order; the page sums them per
/// division and court), a page of the steps in the same order, and the token of the next page (null: the last).
/// <paramref name="Courts"/>: the courts it covers (empty: every court).</summary>
[GenerateSerializer, Immutable]
public sealed record CirculatedReport(
    CirculatedCounts Total, ImmutableArray<CirculatedCounts> Judges, ImmutableArray<CirculatedEntry> Entries, string? Next,
    ImmutableArray<string> Courts, long AsOfSequence);
