using Engine.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Grains.Events;
using Engine.Grains.Intake;
using Engine.Grains.Routing;
using Engine.Storage.Tickets;
using Engine.Domain.Calendar;
using Engine.Grains.Deadlines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Tickets;

/// <summary>
/// One ticket. Its record lives in the tickets table (group-committed with other tickets) rather than in grain
/// storage; every command checks the lifecycle, appends history, awaits the write, then keeps the members' loads.
/// </summary>
internal sealed partial class TicketGrain(
    ITicketStore store, TicketIds ids, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<TicketPolicyOptions> policy, DeadlinePlanner deadlines, StorageRefusals refusals, ILogger<TicketGrain> logger)
    : Grain, ITicketGrain, IIncomingGrainCallFilter
{
    private TicketRecord? _ticket;

    /// <summary>Something other than a deadline shard has asked for this ticket since it was activated. An activation
    /// made only to fire a step lets itself go afterwards, so a deadline storm does not fill memory with tickets.</summary>
    private bool _serving;

    private string TicketId => this.GetPrimaryKeyString();

    /// <summary>Reads the ticket; a database that is down refuses the activation as it would refuse a call.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => refusals.Guard(() =>
    {
        _ticket = store.Load(TicketId);
        return Task.CompletedTask;
    });

    /// <summary>Checks the caller's scope (put there by the gRPC edge) against the ticket as it is now; the grain takes
    /// one call at a time, so the command that follows sees the same ticket. The condition is taken out of the request
    /// context so that it does not travel on to the calls this one makes.</summary>
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (RequestContext.Get(TicketAccess.ContextKey) is TicketAccess access)
        {
            RequestContext.Remove(TicketAccess.ContextKey);
            if (_ticket is { } ticket && !access.Allows(ticket))
            {
                throw EngineException.Denied($"this key may not {(access.Command ? "act on" : "read")} ticket {TicketId}");
            }
        }

        return context.Invoke();
    }

    public Task<TicketRecord?> GetAsync()
    {
        _serving = true;
        return Task.FromResult(_ticket ?? Absent());
    }

    public async Task<TicketRecord> AnswerOnSpotAsync(string staffId, string answer)
    {
        await ApplyAsync(TicketCommand.AnswerOnSpot, staffId, "answered-on-spot", null, t => t with
        {
            State = TicketState.AnsweredOnSpot,
            Mode = TicketMode.AnsweredOnSpot,
            Reply = answer,
            RepliedBy = staffId,
            RepliedAt = time.GetUtcNow(),
        });
        return await CloseAsync(staffId, "answered on the spot");
    }

    public async Task<TicketRecord> DispatchAsync(string staffId, Assignee? to, string? reason)
    {
        var current = Require();
        var routed = to is null
            ? await RouteAsync(current, dispatch: true)
            : new RoutedTarget(true, await ResolveAsync(to, current), TicketMode.Dispatched, new RoutingInfo("staff-dispatch", $"dispatched by {staffId}"));
        var (target, routing) = (routed.Assignee, routed.Routing);
        return await ApplyAsync(TicketCommand.Dispatch, staffId, "dispatched", reason ?? routing.Detail, t => t with
        {
            State = TicketState.Dispatched,
            Mode = TicketMode.Dispatched,
            Assignee = target,
            CourtId = target.CourtId ?? t.CourtId,
            Routing = routing,
            DelegatedFrom = null,
            Deadlines = HandOver(t, target, ClockCause.Dispatched),
        });
    }

    public Task<TicketRecord> AcceptAsync(string actor) =>
        ApplyAsync(TicketCommand.Accept, actor, "accepted", null, t => t with { State = TicketState.Accepted });

    public Task<TicketRecord> ReplyAsync(string actor, string reply) =>
        ApplyAsync(TicketCommand.Reply, actor, "replied", null, t => t with
        {
            State = TicketState.Replied,
            Reply = reply,
            RepliedBy = actor,
            RepliedAt = time.GetUtcNow(),
        });

    public async Task<TicketRecord> TransferAsync(string actor, Assignee to, string reason)
    {
        var current = Require();
        Check(current, TicketCommand.Transfer);
        var target = await ResolveAsync(to, current);
        if (target == current.Assignee)
        {
            throw EngineException.Precondition($"the ticket is already with {target.Type} {target.Id}");
        }

        return await ApplyAsync(TicketCommand.Transfer, actor, "transferred", reason, t => t with
        {
            State = TicketState.Dispatched,
            Assignee = target,
            CourtId = target.CourtId ?? t.CourtId,
            TransferCount = t.TransferCount + 1,
            DelegatedFrom = null,
            Deadlines = HandOver(t, target, ClockCause.Transferred),
        });
    }

    public async Task<TicketRecord> ReturnToPlatformAsync(string actor, string reason)
    {
        var current = Require();
        Check(current, TicketCommand.ReturnToPlatform);
        var platform = current.CourtId is { } court && await GrainFactory.GetGrain<ICourtGrain>(court).GetAsync() is { } snapshot
            ? new Assignee(AssigneeType.PlatformQueue, snapshot.Court.EffectiveSubPlatformId, court)
            : Assignee.Triage;
        var returned = await ApplyAsync(TicketCommand.ReturnToPlatform, actor, "returned", reason, t => t with
        {
            State = TicketState.Returned,
            Mode = TicketMode.Undecided,
            Assignee = platform,
            ReturnCount = t.ReturnCount + 1,
            DelegatedFrom = null,
        });
        if (current.CourtId is { } routedIn)
        {
            await GrainFactory.GetGrain<ICourtGrain>(routedIn).RecordReturnAsync(current.Routing.Rule);
        }

        return returned;
    }

    /// <summary>Closes; a sampled ticket's CALLBACK ticket is made in the same transaction as the close.</summary>
    public async Task<TicketRecord> CloseAsync(string actor, string? note)
    {
        var current = Require();
        Check(current, TicketCommand.Close);
        var closed = current with
        {
            State = TicketState.Closed,
            ClosedAt = time.GetUtcNow(),
            CloseCount = current.CloseCount + 1,
        };
        var callback = CallbackSampling.IsSampled(closed.TicketId, policy.Value.CallbackShareFor(closed.Kind, closed.SubKind))
            ? await FollowUpAsync(closed, "callback", TicketKind.Callback, TicketSubKind.CallbackVisit, $"回访：工单 {closed.TicketId}")
            : null;
        return await WriteAsync(current, closed, actor, "closed", note, callback);
    }

    public Task<TicketRecord> ReopenAsync(string actor, string reason) =>
        ApplyAsync(TicketCommand.Reopen, actor, "reopened", reason, t => t with
        {
            State = TicketState.Reopened,
            ReopenCount = t.ReopenCount + 1,
            Deadlines = StartClock(t, ClockCause.Reopened),
        });

    public Task<TicketRecord> CancelAsync(string actor, string reason) =>
        ApplyAsync(TicketCommand.Cancel, actor, "cancelled", reason, t => t with
        {
            State = TicketState.Cancelled,
        });

    public Task<TicketRecord> PauseClockAsync(string actor, string reason) =>
        ClockAsync(TicketCommand.PauseClock, actor, "clock-paused", _ => reason, (d, now, plan) => d.Pause(now, plan.Calendar.Zone));

    public Task<TicketRecord> ResumeClockAsync(string actor, string? reason) =>
        ClockAsync(TicketCommand.ResumeClock, actor, "clock-resumed", _ => reason, (d, now, plan) => d.Resume(now, plan.Calendar));

    public Task<TicketRecord> ExtendDeadlineAsync(string actor, string approver, string reason, DateTimeOffset newReplyDeadline) =>
        ClockAsync(TicketCommand.ExtendDeadline, actor, "deadline-extended",
            calendar => $"{reason} (approved by {approver}; new deadline {CourtTime.Format(newReplyDeadline, calendar.Zone)})",
            (d, now, plan) => d.Extend(now, newReplyDeadline, actor, approver, reason, plan.Policy, plan.Calendar));

    /// <summary>Fires every step due now, each once: the steps are marked taken in the same write as their events,
    /// so a retry, a restart or a second activation finds them taken (and a racing write fails its version check).</summary>
    public async Task<int> FireDueAsync()
    {
        var firstCall = !_serving;
        if (_ticket is not { Deadlines: { } deadlines } current || !TicketLifecycle.Allows(current.State, TicketCommand.FireDeadline))
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var due = deadlines.Due(now);
        if (due.Count == 0)
        {
            return 0;
        }

        var next = deadlines;
        foreach (var step in due)
        {
            next = next.Fired(step, now, await RecipientsAsync(current, step.Step));
        }

        var taken = next.Taken[^due.Count..];
        var zone = ZoneOf(current);
        var fired = NextVersion(current, current with { Deadlines = next }, now, taken.Select(s => new HistoryEntry(
            now, "engine", EventTypes.Step(s.Step), current.State, current.State,
            $"due {CourtTime.Format(s.DueAt, zone)}; to {string.Join(", ", s.Recipients.Select(r => $"{r.Role} {r.Id}"))}", current.Assignee)));
        await WriteOrLeaveAsync(() => store.UpdateAsync(fired, current.Version, TicketEvents.StepsFired(fired, taken)));
        _ticket = fired;
        foreach (var step in taken)
        {
            DeadlineLog.Fired(logger, TicketId, step.Step, step.Clock, (now - step.DueAt).TotalMilliseconds);
        }

        if (firstCall)
        {
            DeactivateOnIdle();
        }

        return taken.Length;
    }

    /// <summary>Counts the clock again (a calendar arrived or changed). The new plan, the history entry and the event
    /// are one write; a step whose new time has passed is due at once, and the deadline shard fires it (once, as
    /// every step). Steps already taken stay taken.</summary>
    public async Task<bool> ReplanAsync(long calendarVersion)
    {
        var firstCall = !_serving;
        if (_ticket is not { Deadlines: { } current } ticket || !TicketLifecycle.IsOpen(ticket.State)
            || current.Clock is { Plan: not null } counted && counted.CalendarVersion >= calendarVersion)
        {
            return false;
        }

        deadlines.EnsureCalendarVersion(calendarVersion);
        var (policy, calendar) = deadlines.For(ticket.CourtId, ticket.Kind);
        if (current.Replan(calendar, policy) is not { Clock: { } clock } next)
        {
            return false;
        }

        await WriteAsync(ticket, ticket with { Deadlines = next }, "engine", "deadline-replanned",
            $"counted again on the working calendars of version {calendar.Version}"
            + (clock.ProvisionalYears.IsEmpty ? string.Empty : $"; still provisional for {string.Join(", ", clock.ProvisionalYears)}"));
        DeadlineLog.Replanned(logger, TicketId, calendar.Version, clock.ReplyDueAt);
        if (firstCall)
        {
            DeactivateOnIdle();
        }

        return true;
    }

    public async Task<bool> RerouteAsync(string actor, string reason)
    {
        if (_ticket is not { } current || !TicketLifecycle.Allows(current.State, TicketCommand.Reroute))
        {
            return false;
        }

        var routed = await RouteAsync(current, dispatch: current.Mode == TicketMode.Dispatched);
        if (routed.Assignee == current.Assignee)
        {
            return false;
        }

        var delegatedFrom = routed.StandsIn
            ? current.DelegatedFrom ?? (current.Assignee.Type == AssigneeType.Judge ? current.Assignee.Id : null)
            : null;
        await ApplyAsync(TicketCommand.Reroute, actor, "rerouted", reason + " (" + routed.Routing.Rule + ")", t => t with
        {
            Assignee = routed.Assignee,
            CourtId = routed.Assignee.CourtId ?? t.CourtId,
            Routing = routed.Routing,
            DelegatedFrom = delegatedFrom,
        });
        return true;
    }

    public async Task AddMergedAsync(string mergedTicketId)
    {
        var current = Require();
        if (current.MergedTicketIds.Contains(mergedTicketId))
        {
            return;
        }

        await WriteAsync(current, current with { MergedTicketIds = current.MergedTicketIds.Add(mergedTicketId) }, "engine", "merged-in", mergedTicketId);
    }

    /// <summary>Records what the caller said. A dissatisfied result reopens the original ticket, or (by policy, or
    /// when it cannot be reopened) opens a supervision ticket in the same transaction as the record.</summary>
    public async Task<TicketRecord> RecordCallbackAsync(string actor, Satisfaction service, Satisfaction result, string? note)
    {
        var current = Require();
        if (current.Kind != TicketKind.Callback || current.CallbackOf is null)
        {
            throw EngineException.Precondition($"ticket {TicketId} is a {current.Kind} ticket, not a callback");
        }

        Check(current, TicketCommand.RecordCallback);
        var now = time.GetUtcNow();
        var recorded = current with
        {
            State = TicketState.Closed,
            Callback = new CallbackResult(service, result, note, actor, now),
            Reply = note,
            RepliedBy = actor,
            RepliedAt = now,
            ClosedAt = now,
            CloseCount = current.CloseCount + 1,
        };
        var original = GrainFactory.GetGrain<ITicketGrain>(current.CallbackOf);
        var reopen = result == Satisfaction.Dissatisfied && policy.Value.DissatisfiedResult == DissatisfiedPolicy.Reopen
            && await original.GetAsync() is { } ticket && TicketLifecycle.Allows(ticket.State, TicketCommand.Reopen);
        var supervision = result == Satisfaction.Dissatisfied && !reopen
            ? await FollowUpAsync(recorded, "supervision", TicketKind.Suggestion, TicketSubKind.SuggestionComplaint, $"回访不满意：工单 {current.CallbackOf}")
            : null;
        var written = await WriteAsync(current, recorded, actor, "callback-recorded", note, supervision);
        if (reopen)
        {
            await original.ReopenAsync("engine", $"callback {TicketId}: the caller is dissatisfied with the result");
        }

        return written;
    }

    /// <summary>A ticket the engine owes because of this one (a callback, a supervision ticket), routed but not yet
    /// stored. Its key is derived from this ticket and its close count, so making it twice makes it once.</summary>
    private async Task<TicketRecord> FollowUpAsync(TicketRecord about, string purpose, TicketKind kind, TicketSubKind subKind, string content)
    {
        var key = $"{purpose}:{about.TicketId}:{about.CloseCount}";
        var request = new NewTicket(key, about.Channel, kind, subKind, about.CourtId, about.CaseNumber, about.Caller, content, Priority.Normal, []);
        var (routed, _) = await TicketRouting.RouteAsync(GrainFactory, kind, subKind, about.CourtId, caseNumber: null, reserve: true);
        var owed = IntakeGrain.NewRecord(ids.Next(), request, routed, about.CourtId, time.GetUtcNow(), "engine") with
        {
            CallbackOf = kind == TicketKind.Callback ? about.TicketId : about.CallbackOf,
        };
        return owed with { Deadlines = StartClock(owed, ClockCause.Received, owed.CreatedAt) };
    }

    private async Task<RoutedTarget> RouteAsync(TicketRecord ticket, bool dispatch)
    {
        // Not reserved: the write that follows moves the load (WriteAsync).
        var (routed, _) = await TicketRouting.RouteAsync(GrainFactory, ticket.Kind, ticket.SubKind, ticket.CourtId, ticket.CaseNumber, dispatch, reserve: false);
        return routed;
    }

    private async Task<Assignee> ResolveAsync(Assignee to, TicketRecord ticket)
    {
        var court = to.CourtId ?? ticket.CourtId
            ?? throw EngineException.Invalid("to.court_id", "the ticket has no court: name the court of the assignee");
        return await GrainFactory.GetGrain<ICourtGrain>(court).ResolveAsync(to with { CourtId = court });
    }

    private TicketRecord Require()
    {
        _serving = true;
        return _ticket ?? Absent() ?? throw EngineException.NotFound($"ticket {TicketId} does not exist");
    }

    /// <summary>The time zone of the ticket's court (its own, or the engine's), which times written for it are in.</summary>
    private TimeZoneInfo ZoneOf(TicketRecord ticket) => deadlines.For(ticket.CourtId, ticket.Kind).Calendar.Zone;

    /// <summary>A new clock from now, on the policy of the ticket's court and kind.</summary>
    private TicketDeadlines StartClock(TicketRecord ticket, ClockCause cause, DateTimeOffset? at = null) =>
        deadlines.StartClock(ticket.Deadlines, ticket.CourtId, ticket.Kind, cause, at ?? time.GetUtcNow());

    /// <summary>A new handler gets a full reply time, unless the policy keeps the running deadline.</summary>
    private TicketDeadlines? HandOver(TicketRecord ticket, Assignee to, ClockCause cause) =>
        to == ticket.Assignee || (deadlines.KeepDeadlineOnTransfer && ticket.Deadlines?.Clock is { StoppedAt: null })
            ? ticket.Deadlines
            : StartClock(ticket with { CourtId = to.CourtId ?? ticket.CourtId }, cause);

    /// <param name="reason">The history entry's reason, given the court's calendar (whose zone times are written in).</param>
    private async Task<TicketRecord> ClockAsync(
        TicketCommand command, string actor, string action, Func<BusinessCalendar, string?> reason,
        Func<TicketDeadlines, DateTimeOffset, (DeadlinePolicy Policy, BusinessCalendar Calendar), TicketDeadlines> change)
    {
        var current = Require();
        Check(current, command);
        var clock = current.Deadlines ?? throw EngineException.Precondition($"ticket {TicketId} has no deadline clock");
        var plan = deadlines.For(current.CourtId, current.Kind);
        TicketDeadlines next;
        try
        {
            next = change(clock, time.GetUtcNow(), plan);
        }
        catch (ArgumentException ex)
        {
            throw EngineException.Invalid("new_reply_deadline", ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw EngineException.Precondition(ex.Message);
        }

        return await WriteAsync(current, current with { Deadlines = next }, actor, action, reason(plan.Calendar));
    }

    /// <summary>Who a step goes to, from the directory as it is now.</summary>
    private async Task<System.Collections.Immutable.ImmutableArray<Recipient>> RecipientsAsync(TicketRecord ticket, DeadlineStep step)
    {
        if (ticket.CourtId is { } court)
        {
            try
            {
                return await GrainFactory.GetGrain<ICourtGrain>(court).RecipientsAsync(step, ticket.Assignee);
            }
            catch (EngineException ex) when (ex.Kind == EngineErrorKind.NotFound)
            {
                // The court left the directory: the queue that holds the ticket gets every step.
            }
        }

        // No court (still at the triage queue): every step goes to the queue that holds it.
        return [new Recipient(step is DeadlineStep.Warning or DeadlineStep.Urging ? RecipientRole.Handler : RecipientRole.ServiceOffice, ticket.Assignee.Id)];
    }

    /// <summary>No such ticket (intake stores new tickets itself): answer, then let the empty activation go.</summary>
    private TicketRecord? Absent()
    {
        DeactivateOnIdle();
        return null;
    }

    private static void Check(TicketRecord ticket, TicketCommand command)
    {
        if (!TicketLifecycle.Allows(ticket.State, command))
        {
            throw EngineException.Precondition(TicketLifecycle.Refusal(ticket.State, command));
        }
    }

    private async Task<TicketRecord> ApplyAsync(TicketCommand command, string actor, string action, string? reason, Func<TicketRecord, TicketRecord> change)
    {
        var current = Require();
        Check(current, command);
        return await WriteAsync(current, change(current), actor, action, reason);
    }

    /// <summary>Writes the next version with its history entry (and, when given, a ticket the change owes, in the same
    /// transaction), then moves load from the old holder to the new.</summary>
    private async Task<TicketRecord> WriteAsync(TicketRecord current, TicketRecord changed, string actor, string action, string? reason, TicketRecord? owed = null)
    {
        var now = time.GetUtcNow();

        // Whatever ends the work (reply, answer, close, cancel, a recorded callback) stops the clock: nothing more
        // fires, and the deadline stays on the record.
        if (!TicketLifecycle.IsOpen(changed.State) && changed.Deadlines is { } running)
        {
            changed = changed with { Deadlines = running.Stop(now) };
        }

        var next = NextVersion(current, changed, now, [new HistoryEntry(now, actor, action, current.State, changed.State, reason, changed.Assignee)]);
        var events = TicketEvents.Changed(action, current, next, actor, reason);
        await WriteOrLeaveAsync(() => owed is null
            ? store.UpdateAsync(next, current.Version, events)
            : store.UpdateAndCreateAsync(next, current.Version, events, owed, TicketEvents.Created(owed, "engine")));
        _ticket = next;

        var wasHolding = HeldBy(current);
        var nowHolding = HeldBy(next);
        if (wasHolding != nowHolding)
        {
            if (wasHolding is { } before)
            {
                await GrainFactory.GetGrain<ICourtGrain>(before.CourtId!).ReleaseAsync(before.Id);
            }

            if (nowHolding is { } after)
            {
                await GrainFactory.GetGrain<ICourtGrain>(after.CourtId!).AcquireAsync(after.Id);
            }
        }

        return next;
    }

    /// <summary>Awaits a write of this ticket; when it fails the activation goes, as CourtGrain's does: after a version
    /// conflict the stored ticket is ahead of this copy, and after a failure whose commit may have happened all the
    /// same this copy may be behind it. Kept, the copy would refuse every later command on its stale version; the
    /// next call reads storage instead.</summary>
    private async Task WriteOrLeaveAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>The record that follows <paramref name="current"/>: its change, one version on, with its history.</summary>
    private static TicketRecord NextVersion(TicketRecord current, TicketRecord changed, DateTimeOffset now, IEnumerable<HistoryEntry> entries) =>
        changed with { Version = current.Version + 1, UpdatedAt = now, History = current.History.AddRange(entries) };

    /// <summary>The judge whose open-ticket load this ticket counts in, if any.</summary>
    private static Assignee? HeldBy(TicketRecord t) =>
        TicketLifecycle.IsOpen(t.State) && t.Assignee is { Type: AssigneeType.Judge, CourtId: not null } ? t.Assignee : null;
}

internal static partial class DeadlineLog
{
    [LoggerMessage(EventId = LogEventIds.DeadlineFired, Level = LogLevel.Debug, Message = "Ticket {TicketId}: {Step} of clock {Clock} fired {LateMs} ms after it was due")]
    public static partial void Fired(ILogger logger, string ticketId, DeadlineStep step, int clock, double lateMs);

    [LoggerMessage(EventId = LogEventIds.DeadlineReplanned, Level = LogLevel.Debug, Message = "Ticket {TicketId}: clock counted again on calendars of version {Version}, reply due {ReplyDueAt:O}")]
    public static partial void Replanned(ILogger logger, string ticketId, long version, DateTimeOffset replyDueAt);
}
