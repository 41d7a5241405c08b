using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Domain;

namespace Engine.Tests.StorageTests;

/// <summary>Ticket records with obviously fake personal data, for the storage tests to vary.</summary>
internal static class TestTickets
{
    public const string Court = "court-a";
    public const string CaseNumber = "(2025)沪0104民初501号";
    public static readonly DateTimeOffset Created = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));

    public static TicketRecord New(
        string ticketId,
        string? idempotencyKey = null,
        Channel channel = Channel.Hotline,
        string? courtId = Court,
        TicketState state = TicketState.Dispatched,
        AssigneeType assigneeType = AssigneeType.Judge,
        string assigneeId = "judge-1",
        TicketKind kind = TicketKind.ContactJudge,
        string? caseNumber = CaseNumber)
    {
        var assignee = new Assignee(assigneeType, assigneeId, courtId);
        return new TicketRecord
        {
            TicketId = ticketId,
            Version = 1,
            IdempotencyKey = idempotencyKey ?? "key-" + ticketId,
            Channel = channel,
            Kind = kind,
            CourtId = courtId,
            CaseNumber = caseNumber,
            Caller = new CallerInfo("测试当事人", "13800000001", CallerRole.Party),
            Content = "请问案件进展如何？",
            Attachments = ["attachment-1", "attachment-2"],
            State = state,
            Mode = TicketMode.Dispatched,
            Assignee = assignee,
            Routing = new RoutingInfo("presiding-judge", $"judge {assigneeId} presides over the case."),
            CreatedAt = Created,
            UpdatedAt = Created,
            History = [new HistoryEntry(Created, "engine", "submit", TicketState.Unspecified, state, null, assignee)],
        };
    }

    /// <summary>The next version of <paramref name="ticket"/>, as a grain would write it.</summary>
    public static TicketRecord Changed(TicketRecord ticket, TicketState state, string action, string? reply = null)
    {
        var at = ticket.UpdatedAt.AddMinutes(5);
        return ticket with
        {
            Version = ticket.Version + 1,
            State = state,
            Reply = reply ?? ticket.Reply,
            UpdatedAt = at,
            History = ticket.History.Add(new HistoryEntry(at, "judge-1", action, ticket.State, state, "测试原因", ticket.Assignee)),
        };
    }

    /// <summary>Records hold ImmutableArrays, which compare by reference: compare them element by element.</summary>
    public static void AssertSame(TicketRecord expected, TicketRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Attachments = default, History = default }, actual with { Attachments = default, History = default });
        Assert.Equal<string>(expected.Attachments, actual.Attachments);
        Assert.Equal<HistoryEntry>(expected.History, actual.History);
        Assert.Equal(expected.CreatedAt.Offset, actual.CreatedAt.Offset);
    }

    public static ImmutableArray<string> Ids(TicketPage page) => [.. page.Tickets.Select(t => t.TicketId)];
}
