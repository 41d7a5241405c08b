using System.Collections.Immutable;

namespace Engine.Contracts.Tickets;

/// <summary>What a command did: the ticket before (null for a new ticket), its next version, and the events the change
/// caused, in order. Whoever stores <see cref="After"/> expects the stored version to be <see cref="Before"/>'s, and
/// appends the events in the same transaction.</summary>
public sealed record TicketTransition(TicketRecord? Before, TicketRecord After, ImmutableArray<TicketEvent> Events)
{
    /// <summary>The version the store must hold for this change to apply (0: the ticket is new).</summary>
    public long ExpectedVersion => Before?.Version ?? 0;
}
