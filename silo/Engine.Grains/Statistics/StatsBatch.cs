using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Grains.Statistics;

/// <summary>The sums a batch of events adds, and the tickets and judges it read or changed, before they are
/// written in one transaction.</summary>
internal sealed class StatsBatch
{
    public static readonly int CounterCount = Enum.GetValues<StatsCounter>().Length;

    public Dictionary<StatsGroup, long[]> Daily { get; } = [];

    public Dictionary<(StatsGroup Group, int Bucket), long> ReplyTimes { get; } = [];

    public Dictionary<(int Day, string Court, string Term), long> Terms { get; } = [];

    /// <summary>Per day, court and person or window rated: ratings, service satisfied, result satisfied, dissatisfied.</summary>
    public Dictionary<(int Day, string Court, RatedSubject Subject, string Id), long[]> Ratings { get; } = [];

    /// <summary>Answers on the spot citing a knowledge-base entry, per day, court and entry.</summary>
    public Dictionary<(int Day, string Court, string Entry), long> Citations { get; } = [];

    /// <summary>Every ticket the batch touches: as stored before it, or new.</summary>
    public Dictionary<string, TicketMemory> Tickets { get; } = new(StringComparer.Ordinal);

    public HashSet<string> ChangedTickets { get; } = new(StringComparer.Ordinal);

    /// <summary>judge id → division id, as stored before the batch or set by its directory events.</summary>
    public Dictionary<string, string> Judges { get; } = new(StringComparer.Ordinal);

    public HashSet<string> ChangedJudges { get; } = new(StringComparer.Ordinal);

    /// <summary>court id → the court it is under (empty: none), as the batch's directory events set them.</summary>
    public Dictionary<string, string> Courts { get; } = new(StringComparer.Ordinal);

    /// <summary>Steps fired and replies made, in the order of the events (a reply marks the steps before it).</summary>
    public List<StepChange> Steps { get; } = [];

    public void Add(StatsGroup group, StatsCounter counter, long amount = 1)
    {
        if (!Daily.TryGetValue(group, out var counters))
        {
            Daily[group] = counters = new long[CounterCount];
        }

        counters[(int)counter] += amount;
    }

    public void AddRating(int day, string court, RatedSubject subject, string id, CountedRating rating)
    {
        if (!Ratings.TryGetValue((day, court, subject, id), out var sums))
        {
            Ratings[(day, court, subject, id)] = sums = new long[4];
        }

        sums[0]++;
        sums[1] += rating.Service is Satisfaction.Satisfied or Satisfaction.BasicallySatisfied ? 1 : 0;
        sums[2] += rating.Result is Satisfaction.Satisfied or Satisfaction.BasicallySatisfied ? 1 : 0;
        sums[3] += rating.Service == Satisfaction.Dissatisfied || rating.Result == Satisfaction.Dissatisfied ? 1 : 0;
    }

    public void AddReplyTime(StatsGroup group, int bucket) =>
        ReplyTimes[(group, bucket)] = ReplyTimes.GetValueOrDefault((group, bucket)) + 1;

    public void AddTerm(int day, string court, string term) =>
        Terms[(day, court, term)] = Terms.GetValueOrDefault((day, court, term)) + 1;

    public void AddCitation(int day, string court, string entry) =>
        Citations[(day, court, entry)] = Citations.GetValueOrDefault((day, court, entry)) + 1;
}

/// <summary>A deadline step fired on a ticket (<see cref="Step"/> set, with the ticket's group and reply deadline),
/// or the ticket replied to (<see cref="Step"/> null): a row of stats_steps, or the reply time of its open rows.</summary>
internal sealed record StepChange(string TicketId, DeadlineStep? Step, long AtMs, StatsGroup Group, long? DueMs);
