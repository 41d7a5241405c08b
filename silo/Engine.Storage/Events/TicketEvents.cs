using Engine.Contracts;
using Engine.Contracts.Tickets;
using Engine.ProtoMapping;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Storage.Events;

/// <summary>
/// The event log's adapter for tickets: a ticket's domain events, with the ticket after the change, as the rows the
/// log stores, their payloads thin protobuf messages (engine.v1 events.proto): the change's own fields and a
/// <see cref="V1.TicketHeader"/>. Only ticket.received carries the ticket itself, without its history.
/// </summary>
public static class TicketEvents
{
    /// <summary>The rows of a transition's events, in order, at the ticket's new version.</summary>
    public static EventRow[] Rows(TicketTransition change)
    {
        var after = change.After;
        var header = Header(change.Before, after);
        return [.. change.Events.Select((e, ordinal) =>
        {
            var (type, payload) = Encode(e, after, header);
            return EncodedEvent.Of(type, payload).Row(after.TicketId, after.Version, ordinal, after.UpdatedAt, e.Actor, after.CourtId, after.Kind);
        })];
    }

    private static (string Type, IMessage Payload) Encode(TicketEvent e, TicketRecord after, V1.TicketHeader header) => e switch
    {
        TicketReceived => (EventTypes.TicketReceived, new V1.TicketReceived { Ticket = Mapping.ToProto(after with { History = [] }), Header = header }),
        TicketRouted r => (EventTypes.TicketRouted, new V1.TicketRouted
        {
            Rule = r.Routing.Rule, Detail = r.Routing.Detail, Assignee = Mapping.ToProto(r.Assignee), Mode = (V1.TicketMode)r.Mode, Header = header,
        }),
        TicketMerged m => (EventTypes.TicketMerged, new V1.TicketMerged { MergedInto = m.MergedInto, Header = header }),
        CallbackScheduled c => (EventTypes.CallbackScheduled, new V1.CallbackScheduled { CallbackOf = c.CallbackOf, Header = header }),
        TicketAnsweredOnSpot a => ("ticket.answered_on_spot", new V1.TicketAnsweredOnSpot
        {
            StaffId = a.Actor, Answer = a.Answer, Delivery = (V1.ReplyDelivery)a.Delivery, Header = header,
            KnowledgeEntryId = a.Citation?.EntryId ?? string.Empty, KnowledgeEntryVersion = a.Citation?.Version ?? 0,
        }),
        TicketDispatched d => ("ticket.dispatched", new V1.TicketDispatched { Assignee = Mapping.ToProto(d.To), Reason = d.Reason, Routing = Mapping.ToProto(d.Routing), Header = header }),
        TicketAccepted => ("ticket.accepted", new V1.TicketAccepted { Header = header }),
        TicketReplied r => ("ticket.replied", new V1.TicketReplied
        {
            Reply = r.Reply, Delivery = (V1.ReplyDelivery)r.Delivery, DeliveredAt = Timestamp.FromDateTimeOffset(r.DeliveredAt),
            Caller = Mapping.ToProto(after.Caller), Header = header,
        }),
        TicketRated r => (EventTypes.TicketRated, new V1.TicketRated { Rating = Mapping.ToProto(r.Rating), Header = header }),
        TicketFilingDecided f => (EventTypes.TicketFilingDecided, new V1.TicketFilingDecided { Decision = Mapping.ToProto(f.Decision), Header = header }),
        TicketTransferred t => ("ticket.transferred", new V1.TicketTransferred { From = Mapping.ToProto(t.From), To = Mapping.ToProto(t.To), Reason = t.Reason, Header = header }),
        TicketReturned r => ("ticket.returned", new V1.TicketReturned { From = Mapping.ToProto(r.From), Reason = r.Reason, RoutedByRule = r.RoutedByRule, Header = header }),
        TicketRerouted r => ("ticket.rerouted", new V1.TicketRerouted
        {
            From = Mapping.ToProto(r.From), To = Mapping.ToProto(r.To), Reason = r.Reason, Routing = Mapping.ToProto(r.Routing), Header = header,
        }),
        TicketClosed c => ("ticket.closed", new V1.TicketClosed { Note = c.Note ?? string.Empty, Header = header }),
        TicketReopened r => ("ticket.reopened", new V1.TicketReopened { Reason = r.Reason, Header = header }),
        TicketCancelled c => ("ticket.cancelled", new V1.TicketCancelled { Reason = c.Reason, Header = header }),
        TicketMergedIn m => ("ticket.merged_in", new V1.TicketMergedIn { MergedTicketId = m.MergedTicketId, Header = header }),
        TicketCallbackRecorded c => ("ticket.callback_recorded", new V1.TicketCallbackRecorded { Outcome = Mapping.ToProto(c.Outcome), Header = header }),
        TicketClockPaused p => (EventTypes.ClockPaused, new V1.TicketClockPaused { Reason = p.Reason, Header = header }),
        TicketClockResumed r => (EventTypes.ClockResumed, new V1.TicketClockResumed { ReplyDueAt = Mapping.ToTimestamp(r.ReplyDueAt), Header = header }),
        TicketDeadlineExtended x => (EventTypes.DeadlineExtended, new V1.TicketDeadlineExtended { Extension = Mapping.ToProto(x.Extension), Header = header }),
        TicketDeadlineReplanned r => (EventTypes.DeadlineReplanned, new V1.TicketDeadlineReplanned
        {
            PreviousReplyDueAt = Mapping.ToTimestamp(r.PreviousReplyDueAt),
            CalendarVersion = r.CalendarVersion,
            StepsMoved = r.StepsMoved,
            StillProvisional = r.StillProvisional,
            Header = header,
        }),
        DeadlineStepFired s => (EventTypes.Step(s.Step.Step), Step(s, header)),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "no event type for this ticket event"),
    };

    private static V1.DeadlineStepFired Step(DeadlineStepFired fired, V1.TicketHeader header)
    {
        var s = fired.Step;
        var step = new V1.DeadlineStepFired
        {
            Step = Mapping.ToProto(s.Step),
            Clock = s.Clock,
            DueAt = Timestamp.FromDateTimeOffset(s.DueAt),
            FiredAt = Timestamp.FromDateTimeOffset(s.FiredAt),
            Handler = Mapping.ToProto(fired.Handler),
            Header = header,
        };
        step.Recipients.AddRange(s.Recipients.Select(Mapping.ToProto));
        return step;
    }

    /// <summary>The ticket after the change, in brief (shared by the change's events: messages are only read).</summary>
    private static V1.TicketHeader Header(TicketRecord? before, TicketRecord t) => new()
    {
        TicketId = t.TicketId,
        Version = t.Version,
        CourtId = t.CourtId ?? string.Empty,
        CaseNumber = t.CaseNumber ?? string.Empty,
        Kind = (V1.TicketKind)t.Kind,
        SubKind = (V1.TicketSubKind)t.SubKind,
        Channel = (V1.Channel)t.Channel,
        State = (V1.TicketState)t.State,
        PreviousState = (V1.TicketState)(before?.State ?? Domain.TicketState.Unspecified),
        Mode = (V1.TicketMode)t.Mode,
        Assignee = Mapping.ToProto(t.Assignee),
        DelegatedFrom = t.DelegatedFrom ?? string.Empty,
        CallbackOf = t.CallbackOf ?? string.Empty,
        CreatedAt = Timestamp.FromDateTimeOffset(t.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(t.UpdatedAt),
        Clock = t.Deadlines?.Clock is { } clock ? Mapping.ToProto(clock, t.UpdatedAt) : null,
    };
}
