using System.Collections.Immutable;

namespace Engine.Contracts;

// Records serialize their primary-constructor parameters in order: append new ones at the end, never reorder.

/// <summary>What a person has in hand now: open tickets held, of them due today (court time) and past their reply
/// deadline, those urged (催办) on their running clock, and the tickets they replied to since Monday 00:00 court time.</summary>
[GenerateSerializer, Immutable]
public sealed record JudgeWorkload(int Open, int DueToday, int Overdue, int Urged, int RepliedThisWeek);

/// <summary>The tickets of a morning list, by ticket id (each list at most <see cref="MorningListItems.MaxPerList"/>
/// long; the counts are whole).</summary>
[GenerateSerializer, Immutable]
public sealed record MorningListItems(ImmutableArray<string> DueToday, ImmutableArray<string> Overdue, ImmutableArray<string> Urged, int DueTodayCount, int OverdueCount, int UrgedCount)
{
    public const int MaxPerList = 200;

    public bool IsEmpty => DueTodayCount + OverdueCount + UrgedCount == 0;
}

/// <summary>A person as their judge grain answers for them: the directory's entry (the court grain's, the one routing
/// reads), the workload, and the timers the grain carries.</summary>
[GenerateSerializer, Immutable]
public sealed record JudgeView(
    JudgeInfo Judge,
    JudgeWorkload Workload,
    bool OnLeave,
    DateTimeOffset NextListAt,
    string? LastListDay,
    DateTimeOffset? NextWakeAt);
