using System.Collections.Immutable;
using System.Text;
using Engine.Domain;

namespace Engine.Contracts;

/// <summary>A ticket as its caller sees it (CaseService.LookupMyTickets): the handler by role, by name only where the
/// court allows it.</summary>
[GenerateSerializer, Immutable]
public sealed record MyTicket(
    string TicketId,
    TicketKind Kind,
    TicketState State,
    DateTimeOffset CreatedAt,
    string? CourtId,
    string? CaseNumber,
    DateTimeOffset? ReplyDeadline,
    string? Reply,
    DateTimeOffset? RepliedAt,
    ReplyDelivery Delivery,
    string HandlerRole,
    string? HandlerName)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"TicketId = {TicketId}, Kind = {Kind}, State = {State}");
}

/// <summary>One page of a caller's tickets, newest first; <paramref name="NextToken"/> asks for the next (null at the
/// end). Null instead of a page is the one refusal.</summary>
[GenerateSerializer, Immutable]
public sealed record MyTicketsPage(ImmutableArray<MyTicket> Tickets, string? NextToken);
