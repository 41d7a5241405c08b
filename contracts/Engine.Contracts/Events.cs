using System.Collections.Immutable;
using Engine.Domain;

namespace Engine.Contracts;

/// <summary>An event read from the log. <see cref="Payload"/> is a protobuf google.protobuf.Any.</summary>
[GenerateSerializer, Immutable]
public sealed record LoggedEvent(
    long Sequence,
    string AggregateId,
    long AggregateVersion,
    string Type,
    DateTimeOffset At,
    string Actor,
    string? CourtId,
    TicketKind Kind,
    byte[] Payload);

/// <summary>Which events a subscriber wants; an empty list matches everything. With <paramref name="MemberCount"/>
/// above zero, only the events of the aggregates that fall to member <paramref name="MemberIndex"/> of the group.</summary>
[GenerateSerializer, Immutable]
public sealed record EventFilter(ImmutableArray<string> Types, ImmutableArray<string> Courts, ImmutableArray<TicketKind> Kinds, int MemberIndex = 0, int MemberCount = 0)
{
    public static EventFilter All { get; } = new([], [], []);
}

/// <summary>A page of the log: the matching events, and how far the log was scanned (so that a filtered reader
/// does not scan the same non-matching events again). <paramref name="AccessRevision"/> is the revision of the key
/// table read in the same snapshot as the events: a stream whose key was still in force at that revision may send them,
/// since every one of them was written before any key change the revision does not include.</summary>
[GenerateSerializer, Immutable]
public sealed record EventBatch(ImmutableArray<LoggedEvent> Events, long ScannedUpTo, long AccessRevision);
