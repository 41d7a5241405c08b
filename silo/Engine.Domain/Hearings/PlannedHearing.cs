using System.Collections.Immutable;

namespace Engine.Domain.Hearings;

/// <summary>A hearing of a case still to come, as its case keeps it for the reminders: which hearing (empty: the case's
/// hearing), when and where, when its reminder is planned, and the parties already reminded of it at this time (their
/// <see cref="HearingPlan.PartyKey"/>s).</summary>
[GenerateSerializer, Immutable]
public sealed record PlannedHearing(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? Place,
    [property: Id(3)] DateTimeOffset RemindAt,
    [property: Id(4)] ImmutableArray<string> Reminded);
