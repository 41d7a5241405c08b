using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Engine.Grains.Hosting;
using Engine.Storage.Events;
using Engine.Storage.Judges;
using Engine.Storage.Tickets;
using Engine.Storage.Timers;
using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Judges;

/// <summary>A judge's timer state as Orleans grain state, from before decision 63: read once by a judge that has no row in
/// <c>judge_timers</c> yet, and never written again. Its shape and name stay as they were, so that stored states decode.</summary>
[GenerateSerializer]
internal sealed class JudgeState : IOutboxState
{
    [Id(0)]
    public string? LastListDay { get; set; }

    [Id(1)]
    public DateTimeOffset? LeaveStarted { get; set; }

    [Id(2)]
    public DateTimeOffset? LeaveEnded { get; set; }

    [Id(3)]
    public long Version { get; set; }

    /// <summary>The events of the last change, kept until they were in the log (see <see cref="GrainOutbox"/>).</summary>
    [Id(4)]
    public List<EventRow> Outbox { get; set; } = [];
}

/// <summary>
/// One person's timers and workload (decision 60). The person's entry is their court grain's, which routes with it:
/// this grain reads it there on every call, so the two never disagree. What the grain keeps is what its timers have
/// done (the last list's day, the leave edges acted on: <see cref="JudgeTimerState"/>), written with the events they
/// made and its next wake (its row of <c>due_timers</c>) in one group-committed transaction (decision 63), so a crash
/// loses all three or none.
/// </summary>
internal sealed partial class JudgeGrain(
    IJudgeLocator locator,
    ITicketStore tickets,
    IDueTimers timers,
    IJudgeTimerStore store,
    IOutbox outbox,
    DeadlinePlanner planner,
    IOptionsMonitor<JudgeOptions> options,
    StorageRefusals refusals,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time,
    ILogger<JudgeGrain> logger) : Grain, IJudgeGrain
{
    public const string OutboxType = "judge";

    /// <summary>The events' aggregate: "judge/" and the judge id.</summary>
    public static string AggregateOf(string judgeId) => "judge/" + judgeId;

    private const int PageSize = 500;

    /// <summary>The name of the Orleans grain state judges kept before decision 63.</summary>
    private const string LegacyStateName = "judge";

    private JudgeTimerState _state = JudgeTimerState.None;

    private string JudgeId => this.GetPrimaryKeyString();

    private string TimerKey => DueTimerShardGrain.JudgeKey(JudgeId);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => refusals.Guard(async () =>
    {
        _state = store.Read(JudgeId) ?? await ReadLegacyStateAsync();
    });

    /// <summary>A judge's change is one transaction (decision 63): nothing can be pending but an older version's outbox,
    /// which activation took over (<see cref="ReadLegacyStateAsync"/>).</summary>
    public Task EnsureEventsLoggedAsync() => Task.CompletedTask;

    /// <summary>A judge with no row yet: its Orleans grain state from before decision 63, if any. Events that state still
    /// held for the log (a crash in the older version's outbox) are appended now, with the state's row, before anything
    /// else is done; the outbox's mark is cleared after.</summary>
    private async Task<JudgeTimerState> ReadLegacyStateAsync()
    {
        var legacy = new GrainState<JudgeState>(new JudgeState());
        await ServiceProvider.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStateName).ReadStateAsync(LegacyStateName, this.GetGrainId(), legacy);
        var pending = await outbox.IsPendingAsync(OutboxType, JudgeId);
        if (!legacy.RecordExists)
        {
            // A mark without a state: the older version crashed before its state write, so nothing was done.
            if (pending)
            {
                outbox.Clear(OutboxType, JudgeId);
            }

            return JudgeTimerState.None;
        }

        var old = legacy.State ?? new JudgeState();
        var migrated = new JudgeTimerState(old.Version, old.LastListDay, old.LeaveStarted, old.LeaveEnded);
        if (pending)
        {
            await store.WriteAsync(new JudgeTimerWrite(JudgeId, migrated, old.Outbox, TimerKey, timers.Find(TimerKey) ?? time.GetUtcNow()));
            outbox.Clear(OutboxType, JudgeId);
        }

        return migrated;
    }

    public async Task<JudgeView> GetAsync()
    {
        var (judge, calendar) = await FindAsync() ?? throw EngineException.NotFound($"judge {JudgeId} is not in the directory");
        var now = time.GetUtcNow();
        var open = OpenTickets();
        var workload = JudgeWorkloads.Count(JudgeId, open, RecentTickets(JudgeWorkloads.WeekStart(calendar, now) - JudgeWorkloads.RepliedLookBack), calendar, now);
        return new JudgeView(judge, workload, !IsAvailable(judge, now), NextListAt(_state, calendar, now), _state.LastListDay, timers.Find(TimerKey));
    }

    public Task ChangedAsync() => FireDueAsync();

    public async Task<int> FireDueAsync()
    {
        if (await FindAsync() is not var (judge, calendar))
        {
            // No longer in the directory: nothing to remind, nothing to wake for.
            timers.Schedule(TimerKey, null);
            return 1;
        }

        var now = time.GetUtcNow();
        var events = new List<EncodedEvent>();
        var next = _state;
        if (judge.Availability is { LeaveFrom: { } from, LeaveTo: { } to })
        {
            if (from <= now && now < to && next.LeaveStarted != from)
            {
                // Re-routing twice moves nothing twice, so a crash before the write below only repeats harmless work.
                var moved = await GrainFactory.GetGrain<IReroutingGrain>(0).RerouteJudgeAsync(judge.CourtId, JudgeId, "engine", $"judge {JudgeId} is on leave");
                events.Add(EventPayloads.JudgeLeaveStarted(judge, moved));
                next = next with { LeaveStarted = from };
                JudgeLog.LeaveBegan(logger, JudgeId, moved);
            }

            if (to <= now && next.LeaveStarted == from && next.LeaveEnded != to)
            {
                events.Add(EventPayloads.JudgeLeaveEnded(judge));
                next = next with { LeaveEnded = to };
                JudgeLog.LeaveEnded(logger, JudgeId);
            }
        }

        if (ListDue(next, calendar, now) is { } day)
        {
            // An empty list is not published; its day is recorded all the same, so a second wake today does not count again.
            var open = OpenTickets();
            var items = JudgeWorkloads.List(open, calendar, now);
            next = next with { LastListDay = Text(day) };
            if (!items.IsEmpty)
            {
                events.Add(EventPayloads.JudgeDigest(judge, day, items, open.Count));
                JudgeLog.ListPublished(logger, JudgeId, items.DueTodayCount, items.OverdueCount, items.UrgedCount);
            }
        }

        var wake = NextWake(next, judge, calendar, now);
        if (next == _state)
        {
            // Woken early (or again, or by a calendar change): only the row moves on, through the committer as a change
            // would (a calendar change wakes every judge at once), and not at all when it is already there.
            if (timers.Find(TimerKey) != wake)
            {
                await WriteAsync(new JudgeTimerWrite(JudgeId, next, [], TimerKey, wake));
            }

            return 0;
        }

        if (events.Count > 0)
        {
            next = next with { Version = next.Version + 1 };
        }

        await WriteAsync(new JudgeTimerWrite(JudgeId, next, [.. events.Select((e, ordinal) => e.Row(AggregateOf(JudgeId), next.Version, ordinal, now, "engine", judge.CourtId))], TimerKey, wake));
        return Math.Max(1, events.Count);
    }

    private async Task WriteAsync(JudgeTimerWrite write)
    {
        try
        {
            await store.WriteAsync(write);
        }
        catch
        {
            // The write may or may not have committed: the next activation reads what did.
            DeactivateOnIdle();
            throw;
        }

        _state = write.State;
    }

    /// <summary>The person's entry (their court grain's) and their court's calendar; null when not in the directory.</summary>
    private async Task<(JudgeInfo Judge, BusinessCalendar Calendar)?> FindAsync()
    {
        var courtId = locator.FindCourt(JudgeId);
        if (courtId is null || await GrainFactory.GetGrain<ICourtGrain>(courtId).GetJudgeAsync(JudgeId) is not { } judge)
        {
            return null;
        }

        return (judge, planner.PlanFor(courtId, TicketKind.ContactJudge).Calendar);
    }

    private TimeOnly ListTime => options.CurrentValue.ListTime;

    /// <summary>Today's list day when today's list is due and not yet made.</summary>
    private DateOnly? ListDue(JudgeTimerState done, BusinessCalendar calendar, DateTimeOffset now)
    {
        var today = MorningList.Day(calendar, now);
        return done.LastListDay != Text(today) && calendar.IsWorkingDay(today) && MorningList.Moment(calendar.Zone, today, ListTime) <= now
            ? today
            : null;
    }

    /// <summary>The next list: today's when it is due and not yet made (then in the past), else the next working day's
    /// that has not had one. A day the engine missed entirely is not made up the day after.</summary>
    private DateTimeOffset NextListAt(JudgeTimerState done, BusinessCalendar calendar, DateTimeOffset now)
    {
        var today = MorningList.Day(calendar, now);
        if (ListDue(done, calendar, now) is not null)
        {
            return MorningList.Moment(calendar.Zone, today, ListTime);
        }

        var from = done.LastListDay == Text(today) ? MorningList.Moment(calendar.Zone, today.AddDays(1), TimeOnly.MinValue) : now;
        return MorningList.NextAt(calendar, ListTime, from);
    }

    /// <summary>The earliest of the next list and the next edge of the person's leave still to act on.</summary>
    private DateTimeOffset NextWake(JudgeTimerState done, JudgeInfo judge, BusinessCalendar calendar, DateTimeOffset now)
    {
        var next = NextListAt(done, calendar, now);
        if (judge.Availability is { LeaveFrom: { } from, LeaveTo: { } to } && to > now)
        {
            var edge = done.LeaveStarted != from ? from : to;
            next = edge < next ? edge : next;
        }

        return next;
    }

    private static bool IsAvailable(JudgeInfo judge, DateTimeOffset now) =>
        judge.Availability.LeaveFrom is not { } from || now < from || (judge.Availability.LeaveTo is { } to && now >= to);

    /// <summary>The tickets the person holds (not those delegated away from them during a leave).</summary>
    private List<TicketRecord> OpenTickets() => [.. Tickets(openOnly: true, since: null)];

    /// <summary>The person's tickets of any state made since <paramref name="since"/>, newest first.</summary>
    private IEnumerable<TicketRecord> RecentTickets(DateTimeOffset since) => Tickets(openOnly: false, since);

    private IEnumerable<TicketRecord> Tickets(bool openOnly, DateTimeOffset? since)
    {
        string? after = null;
        do
        {
            // Held only: the judge's index alone answers, in the order asked, so a page stops where it is full and the
            // newest-first walk stops at the bound (with the delegated ones too, every page sorted the judge's history).
            var page = tickets.List(new TicketQuery(AssigneeType.Judge, JudgeId, null, null, TicketState.Unspecified, TicketKind.Unspecified, PageSize, after,
                OldestFirst: openOnly, OpenOnly: openOnly, HeldOnly: true));
            foreach (var ticket in page.Tickets)
            {
                if (since is { } bound && ticket.CreatedAt < bound)
                {
                    yield break;
                }

                yield return ticket;
            }

            after = page.NextAfterTicketId;
        }
        while (after is not null);
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

internal static partial class JudgeLog
{
    [LoggerMessage(EventId = LogEventIds.LeaveBegan, Level = LogLevel.Information, Message = "Leave of {JudgeId} began: {Moved} open tickets routed again")]
    public static partial void LeaveBegan(ILogger logger, string judgeId, int moved);

    [LoggerMessage(EventId = LogEventIds.LeaveEnded, Level = LogLevel.Information, Message = "Leave of {JudgeId} ended")]
    public static partial void LeaveEnded(ILogger logger, string judgeId);

    [LoggerMessage(EventId = LogEventIds.MorningListPublished, Level = LogLevel.Debug, Message = "Morning list of {JudgeId}: {DueToday} due today, {Overdue} overdue, {Urged} urged")]
    public static partial void ListPublished(ILogger logger, string judgeId, int dueToday, int overdue, int urged);
}
