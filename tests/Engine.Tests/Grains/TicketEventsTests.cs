using Engine.Storage.Events;
using Engine.Api.Security;
using Engine.Contracts;
using Engine.Contracts.Tickets;
using Engine.Domain;
using Engine.Grains.Events;
using Engine.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.Grains;

/// <summary>The event log's adapter for tickets: every domain event becomes its event type with a thin payload, the
/// header naming the ticket after the change; only ticket.received carries the ticket (its caller for SMS senders),
/// without history; phones in it are masked for keys without the personal-data scope.</summary>
public sealed class TicketEventsTests
{
    private static readonly TypeRegistry Payloads = TypeRegistry.FromFiles(V1.EventsReflection.Descriptor);

    [Fact]
    public void Every_ticket_event_is_thin_with_a_header_naming_the_ticket_after_the_change()
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in TicketLives.All())
        {
            var rows = TicketEvents.Rows(change);
            Assert.Equal(change.Events.Length, rows.Length);
            foreach (var (row, ordinal) in rows.Select((r, i) => (r, i)))
            {
                types.Add(row.Type);
                var t = change.After;
                Assert.Equal((t.TicketId, t.Version, ordinal, t.UpdatedAt, change.Events[ordinal].Actor, t.CourtId, t.Kind),
                    (row.AggregateId, row.AggregateVersion, row.Ordinal, row.At, row.Actor, row.CourtId, row.Kind));
                var payload = Any.Parser.ParseFrom(row.Payload).Unpack(Payloads);
                var header = (V1.TicketHeader)payload.Descriptor.FindFieldByNumber(15).Accessor.GetValue(payload);
                Assert.Equal((t.TicketId, t.Version, (int)t.State, (int)(change.Before?.State ?? TicketState.Unspecified), t.Assignee.Id, t.CallbackOf ?? string.Empty),
                    (header.TicketId, header.Version, (int)header.State, (int)header.PreviousState, header.Assignee.Id, header.CallbackOf));
                Assert.Equal(t.Deadlines?.Clock?.ReplyDueAt, header.Clock?.ReplyDueAt?.ToDateTimeOffset());
                // Types made after thin events have no field 1 at all.
                var whole = (V1.Ticket?)payload.Descriptor.FindFieldByNumber(1)?.Accessor.GetValue(payload);
                if (row.Type == EventTypes.TicketReceived)
                {
                    Assert.Equal((t.TicketId, t.Content, t.Caller.Phone, 0), (whole!.TicketId, whole.Content, whole.Caller.Phone, whole.History.Count));
                }
                else
                {
                    Assert.Null(whole);
                }
            }
        }

        Assert.Subset(EventTypes.All.ToHashSet(StringComparer.Ordinal), types);
        Assert.Equal(EventTypes.All.Where(t => t.StartsWith("ticket.", StringComparison.Ordinal) || t.StartsWith("deadline.", StringComparison.Ordinal) || t.StartsWith("callback.", StringComparison.Ordinal))
            .Except(["ticket.deadline_replanned"]).Order(StringComparer.Ordinal), types.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_event_carries_what_its_subscribers_act_on()
    {
        var rows = TicketLives.All().SelectMany(c => TicketEvents.Rows(c)).ToList();
        T First<T>(string type)
            where T : IMessage, new() => Any.Parser.ParseFrom(rows.First(r => r.Type == type).Payload).Unpack<T>();

        Assert.Equal("已排期", First<V1.TicketReplied>("ticket.replied").Reply);
        Assert.Equal(("staff-1", "已当场答复"), (First<V1.TicketAnsweredOnSpot>("ticket.answered_on_spot").StaffId, First<V1.TicketAnsweredOnSpot>("ticket.answered_on_spot").Answer));
        var step = First<V1.DeadlineStepFired>("deadline.urging");
        Assert.Equal(("judge-2", V1.DeadlineKind.Reply, "judge-2"), (step.Handler.Id, step.Step, step.Recipients.Single().Id));
        var transferred = First<V1.TicketTransferred>("ticket.transferred");
        Assert.Equal(("civil-1", "judge-1", "承办法官"), (transferred.From.Id, transferred.To.Id, transferred.Reason));
        Assert.Equal(("judge-1", "staff-dispatch"), (First<V1.TicketReturned>("ticket.returned").From.Id, First<V1.TicketReturned>("ticket.returned").RoutedByRule));
        Assert.Equal(V1.Satisfaction.Dissatisfied, First<V1.TicketCallbackRecorded>("ticket.callback_recorded").Outcome.ResultSatisfaction);
        Assert.Equal("T-A", First<V1.CallbackScheduled>(EventTypes.CallbackScheduled).CallbackOf);
        Assert.Equal(("head-1", "需调取卷宗"), (First<V1.TicketDeadlineExtended>(EventTypes.DeadlineExtended).Extension.Approver, First<V1.TicketDeadlineExtended>(EventTypes.DeadlineExtended).Extension.Reason));
        Assert.Equal("the case has a new presiding judge (presiding-judge)", First<V1.TicketRerouted>("ticket.rerouted").Reason);
        Assert.Equal("T-E", First<V1.TicketMergedIn>("ticket.merged_in").MergedTicketId);
        Assert.Equal("T-D", First<V1.TicketMerged>(EventTypes.TicketMerged).MergedInto);
        var replied = First<V1.TicketReplied>("ticket.replied");
        Assert.Equal((V1.ReplyDelivery.PhoneCall, Requests.FakePhone, V1.Channel.Hotline), (replied.Delivery, replied.Caller.Phone, replied.Header.Channel));
        var rating = First<V1.TicketRated>(EventTypes.TicketRated).Rating;
        Assert.Equal(("evaluator-1", "window-1", "staff-1", V1.RatedSubject.PlatformAgent), (rating.Rater, rating.WindowId, rating.StaffId, rating.StaffSubject));
        var decision = First<V1.TicketFilingDecided>(EventTypes.TicketFilingDecided).Decision;
        Assert.Equal((V1.FilingOutcome.Refused, "不属于本院管辖", true), (decision.Outcome, decision.Reason, decision.OnTime));
    }

    [Fact]
    public void The_caller_s_phone_on_a_reply_is_masked_for_a_key_without_the_personal_data_scope()
    {
        var replied = TicketLives.All().SelectMany(c => TicketEvents.Rows(c)).First(r => r.Type == EventTypes.TicketReplied);
        var e = new V1.Event { EventType = replied.Type, Payload = Any.Parser.ParseFrom(replied.Payload) };

        var masked = PersonalData.Masked(e).Payload.Unpack<V1.TicketReplied>();

        Assert.Equal(("138****0001", "已排期"), (masked.Caller.Phone, masked.Reply));
    }

    [Fact]
    public void A_replanned_clock_says_what_moved()
    {
        var ticket = TicketLives.All()[0].After;
        var replanned = new TicketTransition(ticket, ticket with { Version = 2 }, [new TicketDeadlineReplanned("engine", TicketLives.Start.AddDays(1), 7, 3, 1)]);

        var payload = Any.Parser.ParseFrom(TicketEvents.Rows(replanned).Single().Payload).Unpack<V1.TicketDeadlineReplanned>();

        Assert.Equal((TicketLives.Start.AddDays(1), 7L, 3, 1, 2L), (payload.PreviousReplyDueAt.ToDateTimeOffset(), payload.CalendarVersion, payload.StepsMoved, payload.StillProvisional, payload.Header.Version));
    }

    [Fact]
    public void The_caller_s_phone_on_a_new_ticket_is_masked_for_a_key_without_the_personal_data_scope()
    {
        var received = TicketEvents.Rows(TicketLives.All()[0])[0];
        var e = new V1.Event { EventType = received.Type, Payload = Any.Parser.ParseFrom(received.Payload) };

        var masked = PersonalData.Masked(e).Payload.Unpack<V1.TicketReceived>();

        Assert.Equal("138****0001", masked.Ticket.Caller.Phone);
        Assert.Equal(Requests.FakePhone, e.Payload.Unpack<V1.TicketReceived>().Ticket.Caller.Phone);
    }
}
