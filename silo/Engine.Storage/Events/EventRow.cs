using Engine.Domain;

namespace Engine.Storage.Events;

/// <summary>One event as the log stores it. <see cref="Payload"/> is a protobuf <c>google.protobuf.Any</c>
/// (<see cref="EncodedEvent"/>, from the log's adapters <see cref="TicketEvents"/> and <see cref="EventPayloads"/>).
/// Serializable, because aggregates kept as grain state hold their pending events in it (the outbox).</summary>
/// <param name="Ordinal">Position among the events of one aggregate version (intake writes two at version 1).</param>
[GenerateSerializer, Immutable]
public sealed record EventRow(
    string AggregateId,
    long AggregateVersion,
    int Ordinal,
    string Type,
    DateTimeOffset At,
    string Actor,
    string? CourtId,
    TicketKind Kind,
    byte[] Payload);
