using Engine.Domain.Calendar;

namespace Engine.Contracts;

/// <summary>A year's working calendar as the engine stores it. <see cref="Change"/> is the engine-wide number of the
/// write that made it so; clocks keep the highest change they were counted with.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredCalendar(
    [property: Id(0)] CalendarDocument Document,
    [property: Id(1)] string Source,
    [property: Id(2)] long Version,
    [property: Id(3)] long Change,
    [property: Id(4)] DateTimeOffset UpdatedAt,
    [property: Id(5)] string UpdatedBy)
{
    public const string BuiltIn = "built-in";
    public const string File = "file";
    public const string Api = "api";
}

/// <summary>What a put did: the calendar stored now, and whether anything changed.</summary>
[GenerateSerializer, Immutable]
public sealed record CalendarPut([property: Id(0)] StoredCalendar Stored, [property: Id(1)] bool Changed);

/// <summary>Every stored year, the highest change among them, and the years around today counted provisionally.</summary>
[GenerateSerializer, Immutable]
public sealed record CalendarList(
    [property: Id(0)] System.Collections.Immutable.ImmutableArray<StoredCalendar> Calendars,
    [property: Id(1)] long Version,
    [property: Id(2)] System.Collections.Immutable.ImmutableArray<int> ProvisionalYears);
