using Engine.Domain;

namespace Engine.Grains.Events;

/// <summary>One event as the log stores it. <see cref="Payload"/> is a protobuf <c>google.protobuf.Any</c>.</summary>
/// <param name="Ordinal">Position among the events of one aggregate version (intake writes two at version 1).</param>
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
