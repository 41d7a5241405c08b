using Engine.Storage.Events;
using Engine.Grains.Hosting;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Contracts.Tickets;
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
/// storage. The grain loads it, checks the caller's access, looks up what a command needs from the directory, gives
/// the command to the ticket (<see cref="TicketAggregate"/>, which checks the lifecycle and answers the next version
/// and its events), awaits the write, then keeps the members' loads and makes the tickets a change owes.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
internal sealed partial class TicketGrain(
    ITicketStore store, TicketIds ids, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<TicketPolicyOptions> policy, DeadlinePlanner deadlines, StorageRefusals refusals, ILogger<TicketGrain> logger)
    : Grain, ITicketGrain, IIncomingGrainCallFilter
{
    private static readonly Counter<long> StepsFired = Engine.Storage.Databases.StorageMetrics.Meter.CreateCounter<long>(
        "engine.deadline.steps", "{step}", "Deadline steps fired (warning, urging at the reply deadline, supervision, special supervision)");

    private static readonly Histogram<double> StepLateness = Engine.Storage.Databases.StorageMetrics.Meter.CreateHistogram<double>(
        "engine.deadline.lateness", "ms", "Time from a deadline step's due time to its firing");

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

    public async Task<TicketRecord> AnswerOnSpotAsync(string staffId, string answer, KnowledgeCitation? citation = null)
    {
        await WriteAsync(Aggregate().AnswerOnSpot(staffId, answer, time.GetUtcNow(), citation));
        return await CloseAsync(staffId, "answered on the spot");
    }

    public async Task<TicketRecord> DispatchAsync(string staffId, Assignee? target, string? reason)
    {
        var current = Require();
        var routed = target is null
            ? await RouteAsync(current, dispatch: true)
            : new RoutedTarget(true, await ResolveAsync(target, current), TicketMode.Dispatched, TicketAggregate.DispatchedBy(staffId));
        return await WriteAsync(Aggregate().Dispatch(staffId, routed.Assignee, routed.Routing, reason, time.GetUtcNow()));
    }

    public Task<TicketRecord> AcceptAsync(string actor) => WriteAsync(Aggregate().Accept(actor, time.GetUtcNow()));

    public Task<TicketRecord> ReplyAsync(string actor, string reply, ReplyDelivery delivery = ReplyDelivery.Unspecified, DateTimeOffset? deliveredAt = null) =>
        WriteAsync(Aggregate().Reply(actor, reply, time.GetUtcNow(), delivery, deliveredAt));

    public Task<TicketRecord> RecordFilingDecisionAsync(string actor, FilingOutcome outcome, string? reason, string? caseNumber) =>
        WriteAsync(Aggregate().RecordFilingDecision(actor, outcome, reason, caseNumber, time.GetUtcNow()));

    /// <summary>Records a rating. A dissatisfied result follows the policy of a dissatisfied callback: the ticket is
    /// reopened, or (by policy, or when it cannot be reopened) a supervision ticket is opened in the same transaction
    /// as the rating. A retry of the same rating writes nothing and acts on nothing.</summary>
    public async Task<TicketRecord> RateAsync(string actor, RatingSource source, string rater, Satisfaction service, Satisfaction result, string? comment, string? windowId)
    {
        var now = time.GetUtcNow();
        if (Aggregate().Rate(actor, source, rater, service, result, comment, windowId, now) is not { } rated)
        {
            return Require();
        }

        var reopen = result == Satisfaction.Dissatisfied && policy.Value.DissatisfiedResult == DissatisfiedPolicy.Reopen
            && TicketLifecycle.Allows(rated.After.State, TicketCommand.Reopen);
        var supervision = result == Satisfaction.Dissatisfied && !reopen
            ? await FollowUpAsync(rated.After, $"rating-supervision-{rated.After.Ratings.Length}", TicketKind.Suggestion, TicketSubKind.SuggestionComplaint, $"评价不满意：工单 {TicketId}")
            : null;
        var written = await WriteAsync(rated, supervision);
        return reopen ? await ReopenAsync(TicketAggregate.Engine, $"rating by {source}: the caller is dissatisfied with the result") : written;
    }

    public async Task<TicketRecord> TransferAsync(string actor, Assignee target, string reason)
    {
        var current = Require();
        Aggregate().Require(TicketCommand.Transfer);
        var resolved = await ResolveAsync(target, current);
        return await WriteAsync(Aggregate().Transfer(actor, resolved, reason, time.GetUtcNow()));
    }

    public async Task<TicketRecord> ReturnToPlatformAsync(string actor, string reason)
    {
        var current = Require();
        Aggregate().Require(TicketCommand.ReturnToPlatform);
        var platform = current.CourtId is { } court && await GrainFactory.GetGrain<ICourtGrain>(court).GetAsync() is { } snapshot
            ? new Assignee(AssigneeType.PlatformQueue, snapshot.Court.EffectiveSubPlatformId, court)
            : Assignee.Triage;
        var returned = await WriteAsync(Aggregate().ReturnToPlatform(actor, platform, reason, time.GetUtcNow()));
        if (current.CourtId is { } routedIn)
        {
            await GrainFactory.GetGrain<ICourtGrain>(routedIn).RecordReturnAsync(current.Routing.Rule);
        }

        return returned;
    }

    /// <summary>Closes; a sampled ticket's CALLBACK ticket is made in the same transaction as the close.</summary>
    public async Task<TicketRecord> CloseAsync(string actor, string? note)
    {
        var closed = Aggregate().Close(actor, note, time.GetUtcNow());
        var ticket = closed.After;
        var callback = CallbackSampling.IsSampled(ticket.TicketId, policy.Value.CallbackShareFor(ticket.Kind, ticket.SubKind))
            ? await FollowUpAsync(ticket, "callback", TicketKind.Callback, TicketSubKind.CallbackVisit, $"回访：工单 {ticket.TicketId}")
            : null;
        return await WriteAsync(closed, callback);
    }

    public Task<TicketRecord> ReopenAsync(string actor, string reason) => WriteAsync(Aggregate().Reopen(actor, reason, time.GetUtcNow()));

    public Task<TicketRecord> CancelAsync(string actor, string reason) => WriteAsync(Aggregate().Cancel(actor, reason, time.GetUtcNow()));

    public Task<TicketRecord> PauseClockAsync(string actor, string reason) => WriteAsync(Aggregate().PauseClock(actor, reason, time.GetUtcNow()));

    public Task<TicketRecord> ResumeClockAsync(string actor, string? reason) => WriteAsync(Aggregate().ResumeClock(actor, reason, time.GetUtcNow()));

    public Task<TicketRecord> ExtendDeadlineAsync(string actor, string approver, string reason, DateTimeOffset newReplyDeadline) =>
        WriteAsync(Aggregate().ExtendDeadline(actor, approver, reason, newReplyDeadline, time.GetUtcNow()));

    /// <summary>Fires every step due now, each once: the steps are marked taken in the same write as their events,
    /// so a retry, a restart or a second activation finds them taken (and a racing write fails its version check).</summary>
    public async Task<int> FireDueAsync()
    {
        var firstCall = !_serving;
        if (_ticket is not { } current)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var ticket = new TicketAggregate(current, deadlines);
        var due = ticket.Due(now);
        if (due.Count == 0)
        {
            return 0;
        }

        var steps = new List<(PendingStep, ImmutableArray<Recipient>)>();
        foreach (var step in due)
        {
            steps.Add((step, await RecipientsAsync(current, step.Step)));
        }

        var fired = await WriteAsync(ticket.Fire(steps, now));
        foreach (var step in fired.Deadlines!.Taken[^due.Count..])
        {
            var late = (now - step.DueAt).TotalMilliseconds;
            DeadlineLog.Fired(logger, TicketId, step.Step, step.Clock, late);
            var tags = new TagList { { "step", StepTag(step.Step) }, { "court", current.CourtId ?? "none" } };
            StepsFired.Add(1, tags);
            StepLateness.Record(late, tags);
        }

        if (firstCall)
        {
            DeactivateOnIdle();
        }

        return due.Count;
    }

    private static string StepTag(DeadlineStep step) => step switch
    {
        DeadlineStep.Warning => "warning",
        DeadlineStep.Urging => "urging",
        DeadlineStep.Supervision => "supervision",
        DeadlineStep.SpecialSupervision => "special_supervision",
        _ => step.ToString(),
    };

    /// <summary>Counts the clock again (a calendar arrived or changed). The new plan, the history entry and the event
    /// are one write; a step whose new time has passed is due at once, and the deadline shard fires it (once, as
    /// every step). Steps already taken stay taken.</summary>
    public async Task<bool> ReplanAsync(long calendarVersion)
    {
        var firstCall = !_serving;
        if (_ticket is not { } ticket || !new TicketAggregate(ticket, deadlines).CountedBefore(calendarVersion))
        {
            return false;
        }

        deadlines.EnsureCalendarVersion(calendarVersion);
        if (new TicketAggregate(ticket, deadlines).Replan(time.GetUtcNow()) is not { } replanned)
        {
            return false;
        }

        var written = await WriteAsync(replanned);
        var clock = written.Deadlines!.Clock!;
        DeadlineLog.Replanned(logger, TicketId, clock.CalendarVersion, clock.ReplyDueAt);
        if (firstCall)
        {
            DeactivateOnIdle();
        }

        return true;
    }

    public async Task<bool> RerouteAsync(string actor, string reason)
    {
        if (_ticket is not { } current || !new TicketAggregate(current, deadlines).Allows(TicketCommand.Reroute))
        {
            return false;
        }

        var routed = await RouteAsync(current, dispatch: current.Mode == TicketMode.Dispatched);
        if (new TicketAggregate(current, deadlines).Reroute(actor, reason, routed, time.GetUtcNow()) is not { } rerouted)
        {
            return false;
        }

        _serving = true;
        await WriteAsync(rerouted);
        return true;
    }

    public async Task AddMergedAsync(string mergedTicketId)
    {
        if (Aggregate().MergeIn(mergedTicketId, time.GetUtcNow()) is { } merged)
        {
            await WriteAsync(merged);
        }
    }

    /// <summary>Records what the caller said. A dissatisfied result reopens the original ticket, or (by policy, or
    /// when it cannot be reopened) opens a supervision ticket in the same transaction as the record.</summary>
    public async Task<TicketRecord> RecordCallbackAsync(string actor, Satisfaction service, Satisfaction result, string? note)
    {
        var recorded = Aggregate().RecordCallback(actor, service, result, note, time.GetUtcNow());
        var callbackOf = recorded.After.CallbackOf!;
        var original = GrainFactory.GetGrain<ITicketGrain>(callbackOf);
        var reopen = result == Satisfaction.Dissatisfied && policy.Value.DissatisfiedResult == DissatisfiedPolicy.Reopen
            && await original.GetAsync() is { } ticket && TicketLifecycle.Allows(ticket.State, TicketCommand.Reopen);
        var supervision = result == Satisfaction.Dissatisfied && !reopen
            ? await FollowUpAsync(recorded.After, "supervision", TicketKind.Suggestion, TicketSubKind.SuggestionComplaint, $"回访不满意：工单 {callbackOf}")
            : null;
        var written = await WriteAsync(recorded, supervision);
        if (reopen)
        {
            await original.ReopenAsync("engine", $"callback {TicketId}: the caller is dissatisfied with the result");
        }

        return written;
    }

    /// <summary>A ticket the engine owes because of this one (a callback, a supervision ticket), routed but not yet
    /// stored.</summary>
    private async Task<TicketTransition> FollowUpAsync(TicketRecord about, string purpose, TicketKind kind, TicketSubKind subKind, string content)
    {
        var request = TicketAggregate.FollowUpRequest(about, purpose, kind, subKind, content);
        var (routed, _) = await TicketRouting.RouteAsync(GrainFactory, kind, subKind, about.CourtId, caseNumber: null, reserve: true);
        return TicketAggregate.FollowUp(ids.Next(), about, request, SubmissionDigest.Of(request), routed, time.GetUtcNow(), deadlines);
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

    /// <summary>How long a step waits for its court's answer before the wake fails and is tried again (the shard's own
    /// wait on a wake is 5 s).</summary>
    private static readonly TimeSpan CourtWait = TimeSpan.FromSeconds(4);

    /// <summary>Who a step goes to, from the directory as it is now.</summary>
    private async Task<ImmutableArray<Recipient>> RecipientsAsync(TicketRecord ticket, DeadlineStep step)
    {
        if (ticket.CourtId is { } court)
        {
            try
            {
                // Bounded: a court grain on a frozen silo would hold this ticket (and every later wake of it) for
                // Orleans' 30 s response timeout; given up, the shard tries again shortly, and after the silo is
                // declared dead the call reaches the court's new activation.
                return await GrainFactory.GetGrain<ICourtGrain>(court).RecipientsAsync(step, ticket.Assignee).WaitAsync(CourtWait);
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

    /// <summary>The ticket as it is now, as an aggregate to give a command to (not found: NOT_FOUND).</summary>
    private TicketAggregate Aggregate() => new(Require(), deadlines);

    /// <summary>Writes a transition with its events (and, when given, a ticket the change owes, with its events, in the
    /// same transaction), then moves load from the old holder to the new.</summary>
    private async Task<TicketRecord> WriteAsync(TicketTransition change, TicketTransition? owed = null)
    {
        var (current, next) = (change.Before!, change.After);
        var events = TicketEvents.Rows(change);
        await WriteOrLeaveAsync(() => owed is null
            ? store.UpdateAsync(next, change.ExpectedVersion, events)
            : store.UpdateAndCreateAsync(next, change.ExpectedVersion, events, owed.After, TicketEvents.Rows(owed)));
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
