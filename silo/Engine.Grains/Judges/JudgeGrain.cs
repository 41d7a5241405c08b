using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Engine.Grains.Hosting;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Storage.Judges;
using Engine.Storage.Tickets;
using Engine.Storage.Timers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Judges;

[GenerateSerializer]
internal sealed class JudgeState : IOutboxState
{
    /// <summary>The court's date (yyyy-MM-dd) of the last morning list published.</summary>
    [Id(0)]
    public string? LastListDay { get; set; }

    /// <summary>The start of the leave whose start was acted on (its tickets routed again, judge.leave_started).</summary>
    [Id(1)]
    public DateTimeOffset? LeaveStarted { get; set; }

    /// <summary>The end of the leave whose end was announced (judge.leave_ended).</summary>
    [Id(2)]
    public DateTimeOffset? LeaveEnded { get; set; }

    /// <summary>One per change: the version of the person's events.</summary>
    [Id(3)]
    public long Version { get; set; }

    /// <summary>The events of the last change, kept until they are in the log (see <see cref="GrainOutbox"/>).</summary>
    [Id(4)]
    public List<EventRow> Outbox { get; set; } = [];
}

/// <summary>
/// One person's timers and workload (decision 60). The person's entry is their court grain's, which routes with it:
/// this grain reads it there on every call, so the two never disagree. What the grain keeps is what its timers have
/// done (the last list's day, the leave edges acted on), written with the events they made; its next wake is its row
/// of <c>due_timers</c>, set after each write, so a crash between the two wakes it early, never late, and the early
/// wake finds everything done.
/// </summary>
internal sealed partial class JudgeGrain(
    [PersistentState("judge", EngineStorage.GrainStateName)] IPersistentState<JudgeState> state,
    IJudgeLocator locator,
    ITicketStore tickets,
    IDueTimers timers,
    IOutbox outbox,
    Database database,
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

    /// <summary>On SQLite, one judge at a time writes what its wake did (its outbox's four statements and its timer row).
    /// A burst (every list of a country at 08:30) otherwise has hundreds of wakes writing at once through their own
    /// connections: SQLite has one writer, the others get SQLITE_BUSY, and Microsoft.Data.Sqlite retries each after
    /// sleeping on its thread-pool thread, so the pool starves and the burst drained at ~35 judges/s (docs/benchmarks.md,
    /// "Judges' morning lists at national size"). Waiting here costs no thread. PostgreSQL takes concurrent writers.</summary>
    private static readonly SemaphoreSlim SqliteWriter = new(1, 1);

    private string JudgeId => this.GetPrimaryKeyString();

    private string TimerKey => DueTimerShardGrain.JudgeKey(JudgeId);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => refusals.Guard(EnsureEventsLoggedAsync);

    public Task EnsureEventsLoggedAsync()
    {
        outbox.FinishPending(OutboxType, JudgeId, state.State.Outbox);
        return Task.CompletedTask;
    }

    public async Task<JudgeView> GetAsync()
    {
        var (judge, calendar) = await FindAsync() ?? throw EngineException.NotFound($"judge {JudgeId} is not in the directory");
        var now = time.GetUtcNow();
        var open = OpenTickets();
        var workload = JudgeWorkloads.Count(JudgeId, open, RecentTickets(JudgeWorkloads.WeekStart(calendar, now) - JudgeWorkloads.RepliedLookBack), calendar, now);
        return new JudgeView(judge, workload, !IsAvailable(judge, now), NextListAt(calendar, now), state.State.LastListDay, timers.Find(TimerKey));
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
        var changed = false;
        if (judge.Availability is { LeaveFrom: { } from, LeaveTo: { } to })
        {
            if (from <= now && now < to && state.State.LeaveStarted != from)
            {
                // Re-routing twice moves nothing twice, so a crash before the write below only repeats harmless work.
                var moved = await GrainFactory.GetGrain<IReroutingGrain>(0).RerouteJudgeAsync(judge.CourtId, JudgeId, "engine", $"judge {JudgeId} is on leave");
                events.Add(EventPayloads.JudgeLeaveStarted(judge, moved));
                state.State.LeaveStarted = from;
                JudgeLog.LeaveBegan(logger, JudgeId, moved);
            }

            if (to <= now && state.State.LeaveStarted == from && state.State.LeaveEnded != to)
            {
                events.Add(EventPayloads.JudgeLeaveEnded(judge));
                state.State.LeaveEnded = to;
                JudgeLog.LeaveEnded(logger, JudgeId);
            }
        }

        if (ListDue(calendar, now) is { } day)
        {
            // An empty list is not published, and not written: a second wake today (after a crash) counts again.
            var open = OpenTickets();
            var items = JudgeWorkloads.List(open, calendar, now);
            state.State.LastListDay = Text(day);
            if (!items.IsEmpty)
            {
                events.Add(EventPayloads.JudgeDigest(judge, day, items, open.Count));
                JudgeLog.ListPublished(logger, JudgeId, items.DueTodayCount, items.OverdueCount, items.UrgedCount);
            }

            changed = true;
        }

        var gate = database.Provider == StorageProvider.Sqlite ? SqliteWriter : null;
        if (gate is not null)
        {
            await gate.WaitAsync();
        }

        try
        {
            if (events.Count > 0)
            {
                await SaveAsync(judge.CourtId, events, now);
            }

            timers.Schedule(TimerKey, NextWake(judge, calendar, now));
        }
        finally
        {
            gate?.Release();
        }

        return events.Count > 0 || changed ? Math.Max(1, events.Count) : 0;
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
    private DateOnly? ListDue(BusinessCalendar calendar, DateTimeOffset now)
    {
        var today = MorningList.Day(calendar, now);
        return state.State.LastListDay != Text(today) && calendar.IsWorkingDay(today) && MorningList.Moment(calendar.Zone, today, ListTime) <= now
            ? today
            : null;
    }

    /// <summary>The next list: today's when it is due and not yet made (then in the past), else the next working day's
    /// that has not had one. A day the engine missed entirely is not made up the day after.</summary>
    private DateTimeOffset NextListAt(BusinessCalendar calendar, DateTimeOffset now)
    {
        var today = MorningList.Day(calendar, now);
        if (ListDue(calendar, now) is not null)
        {
            return MorningList.Moment(calendar.Zone, today, ListTime);
        }

        var from = state.State.LastListDay == Text(today) ? MorningList.Moment(calendar.Zone, today.AddDays(1), TimeOnly.MinValue) : now;
        return MorningList.NextAt(calendar, ListTime, from);
    }

    /// <summary>The earliest of the next list and the next edge of the person's leave still to act on.</summary>
    private DateTimeOffset NextWake(JudgeInfo judge, BusinessCalendar calendar, DateTimeOffset now)
    {
        var next = NextListAt(calendar, now);
        if (judge.Availability is { LeaveFrom: { } from, LeaveTo: { } to } && to > now)
        {
            var edge = state.State.LeaveStarted != from ? from : to;
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
            var page = tickets.List(new TicketQuery(AssigneeType.Judge, JudgeId, null, null, TicketState.Unspecified, TicketKind.Unspecified, PageSize, after, OldestFirst: openOnly, OpenOnly: openOnly));
            foreach (var ticket in page.Tickets)
            {
                if (since is { } bound && ticket.CreatedAt < bound)
                {
                    yield break;
                }

                if (ticket.Assignee.Type == AssigneeType.Judge && string.Equals(ticket.Assignee.Id, JudgeId, StringComparison.Ordinal))
                {
                    yield return ticket;
                }
            }

            after = page.NextAfterTicketId;
        }
        while (after is not null);
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the state with the change's events through the outbox; when the write fails the activation goes,
    /// as its memory may be ahead of what was stored.</summary>
    private async Task SaveAsync(string courtId, IReadOnlyList<EncodedEvent> events, DateTimeOffset at)
    {
        try
        {
            state.State.Version++;
            await outbox.CommitAsync(OutboxType, JudgeId, state,
                [.. events.Select((e, ordinal) => e.Row(AggregateOf(JudgeId), state.State.Version, ordinal, at, "engine", courtId))]);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
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
