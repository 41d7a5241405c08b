using Engine.Domain;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Engine.Storage.Events;

/// <summary>One event as the log stores it. <see cref="Payload"/> is a protobuf <c>google.protobuf.Any</c>.
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
    byte[] Payload)
{
    public static EventRow Of(string aggregateId, long version, int ordinal, string type, DateTimeOffset at, string actor, string? courtId, TicketKind kind, IMessage payload) =>
        new(aggregateId, version, ordinal, type, at, actor, courtId, kind, Any.Pack(payload).ToByteArray());
}
