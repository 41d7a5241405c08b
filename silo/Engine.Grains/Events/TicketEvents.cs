using Engine.Contracts;
using Engine.ProtoMapping;
using Engine.Domain.Calendar;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Engine.Storage.Events;
using V1 = Engine.V1;

namespace Engine.Grains.Events;

/// <summary>The events a ticket change appends, with their protobuf payloads (engine.v1 events.proto).</summary>
public static class TicketEvents
{
    /// <summary>The events of a new ticket: received, then routed (or merged).</summary>
    public static EventRow[] Created(TicketRecord ticket, string actor)
    {
        var proto = Mapping.ToProto(ticket);
        var second = ticket.MergedInto is { } into
            ? Row(ticket, 1, EventTypes.TicketMerged, "engine", new V1.TicketMerged { Ticket = proto, MergedInto = into })
            : Row(ticket, 1, EventTypes.TicketRouted, "engine", new V1.TicketRouted
            {
                Ticket = proto,
                Rule = ticket.Routing.Rule,
                Detail = ticket.Routing.Detail,
                Assignee = Mapping.ToProto(ticket.Assignee),
                Mode = (V1.TicketMode)ticket.Mode,
            });
        var events = new List<EventRow> { Row(ticket, 0, EventTypes.TicketReceived, actor, new V1.TicketReceived { Ticket = proto }), second };
        if (ticket.Kind == Domain.TicketKind.Callback && ticket.CallbackOf is { } of)
        {
            events.Add(Row(ticket, 2, EventTypes.CallbackScheduled, "engine", new V1.CallbackScheduled { Callback = proto, CallbackOf = of }));
        }

        return [.. events];
    }

    /// <summary>The event of a command that changed <paramref name="before"/> into <paramref name="after"/>.</summary>
    public static EventRow[] Changed(string action, TicketRecord before, TicketRecord after, string actor, string? reason)
    {
        var t = Mapping.ToProto(after);
        var from = Mapping.ToProto(before.Assignee);
        var to = Mapping.ToProto(after.Assignee);
        (string Type, IMessage Payload) e = action switch
        {
            "answered-on-spot" => (EventTypes.TicketAnsweredOnSpot, new V1.TicketAnsweredOnSpot { Ticket = t, StaffId = actor, Answer = after.Reply ?? string.Empty }),
            "dispatched" => (EventTypes.TicketDispatched, new V1.TicketDispatched { Ticket = t, Assignee = to, Reason = reason ?? string.Empty }),
            "accepted" => (EventTypes.TicketAccepted, new V1.TicketAccepted { Ticket = t }),
            "replied" => (EventTypes.TicketReplied, new V1.TicketReplied { Ticket = t, Reply = after.Reply ?? string.Empty }),
            "transferred" => (EventTypes.TicketTransferred, new V1.TicketTransferred { Ticket = t, From = from, To = to, Reason = reason ?? string.Empty }),
            "returned" => (EventTypes.TicketReturned, new V1.TicketReturned { Ticket = t, Reason = reason ?? string.Empty, RoutedByRule = before.Routing.Rule }),
            "rerouted" => (EventTypes.TicketRerouted, new V1.TicketRerouted { Ticket = t, From = from, To = to, Reason = reason ?? string.Empty }),
            "closed" => (EventTypes.TicketClosed, new V1.TicketClosed { Ticket = t }),
            "reopened" => (EventTypes.TicketReopened, new V1.TicketReopened { Ticket = t, Reason = reason ?? string.Empty }),
            "cancelled" => (EventTypes.TicketCancelled, new V1.TicketCancelled { Ticket = t, Reason = reason ?? string.Empty }),
            "merged-in" => (EventTypes.TicketMergedIn, new V1.TicketMergedIn { Ticket = t, MergedTicketId = reason ?? string.Empty }),
            "callback-recorded" => (EventTypes.TicketCallbackRecorded, new V1.TicketCallbackRecorded { Ticket = t, Outcome = t.Callback }),
            "clock-paused" => (EventTypes.ClockPaused, new V1.TicketClockPaused { Ticket = t, Reason = reason ?? string.Empty }),
            "clock-resumed" => (EventTypes.ClockResumed, new V1.TicketClockResumed { Ticket = t, ReplyDueAt = t.Clock?.ReplyDueAt }),
            "deadline-extended" => (EventTypes.DeadlineExtended, new V1.TicketDeadlineExtended { Ticket = t, Extension = t.Extensions.LastOrDefault() }),
            "deadline-replanned" => (EventTypes.DeadlineReplanned, Replanned(t, before.Deadlines?.Clock, after.Deadlines?.Clock)),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "no event type for this ticket action"),
        };
        return [Row(after, 0, e.Type, actor, e.Payload)];
    }

    /// <summary>One event per step that fired, in order, each with its recipients.</summary>
    public static EventRow[] StepsFired(TicketRecord after, IReadOnlyList<TakenStep> steps)
    {
        var t = Mapping.ToProto(after);
        var handler = Mapping.ToProto(after.Assignee);
        return [.. steps.Select((s, i) =>
        {
            var fired = new V1.DeadlineStepFired
            {
                Ticket = t,
                Step = Mapping.ToProto(s.Step),
                Clock = s.Clock,
                DueAt = Timestamp.FromDateTimeOffset(s.DueAt),
                FiredAt = Timestamp.FromDateTimeOffset(s.FiredAt),
                Handler = handler,
            };
            fired.Recipients.AddRange(s.Recipients.Select(Mapping.ToProto));
            return Row(after, i, EventTypes.Step(s.Step), "engine", fired);
        })];
    }

    private static V1.TicketDeadlineReplanned Replanned(V1.Ticket ticket, DeadlineClock? before, DeadlineClock? after)
    {
        var was = (before?.Pending ?? []).ToDictionary(p => p.Step, p => p.DueAt);
        var pending = after?.Pending ?? [];
        return new V1.TicketDeadlineReplanned
        {
            Ticket = ticket,
            PreviousReplyDueAt = before is { Problem: null } ? Timestamp.FromDateTimeOffset(before.ReplyDueAt) : null,
            CalendarVersion = after?.CalendarVersion ?? 0,
            StepsMoved = pending.Count(p => !was.TryGetValue(p.Step, out var due) || due != p.DueAt),
            StillProvisional = pending.Count(p => p.Provisional),
        };
    }

    private static EventRow Row(TicketRecord ticket, int ordinal, string type, string actor, IMessage payload) =>
        EventRow.Of(ticket.TicketId, ticket.Version, ordinal, type, ticket.UpdatedAt, actor, ticket.CourtId, ticket.Kind, payload);
}
