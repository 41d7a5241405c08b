using Engine.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Domain.Hearings;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Engine.Storage.Timers;
using Engine.Storage.Cases;
using Engine.Storage.Events;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Cases;

[GenerateSerializer]
internal sealed class CaseState : IOutboxState
{
    [Id(0)]
    public CaseRecord? Case { get; set; }

    [Id(1)]
    public string? PasswordHash { get; set; }

    /// <summary>The events of the last change, kept until they are in the log (see <see cref="GrainOutbox"/>).</summary>
    [Id(2)]
    public List<EventRow> Outbox { get; set; } = [];

    /// <summary>Random, made with the case: the key of its look-up guards' pseudonyms (see CaseGrain.GuardKey).</summary>
    [Id(3)]
    public byte[]? GuardKey { get; set; }

    /// <summary>Whether the party index (ICasePartyIndex) holds this case's keys; false on cases stored before it.</summary>
    [Id(4)]
    public bool PartiesIndexed { get; set; }

    /// <summary>The hearings still to come that want reminders, with who was reminded (decision 62); its next moment
    /// is the case's row of <c>due_timers</c>.</summary>
    [Id(5)]
    public ImmutableArray<PlannedHearing> Hearings { get; set; } = [];
}

/// <summary>One case, as the case-management system describes it; grain state through the ADO.NET provider.</summary>
internal sealed class CaseGrain(
    [PersistentState("case", EngineStorage.GrainStateName)] IPersistentState<CaseState> state,
    IOutbox outbox,
    StorageRefusals refusals,
    ProgressNodeCatalogue catalogue,
    ICasePartyIndex partyIndex,
    IOptions<CaseOptions> caseOptions,
    IDueTimers timers,
    DeadlinePlanner planner,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, ICaseGrain
{
    public const string OutboxType = "case";

    private readonly byte[] _noPasswordKey = RandomNumberGenerator.GetBytes(32);

    private string CaseNumber => this.GetPrimaryKeyString();

    /// <summary>Finishes the outbox; a database that is down refuses the activation as it would refuse a call.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => refusals.Guard(async () =>
    {
        // A case stored before the party index is indexed now (and stored as indexed with its next change).
        if (state.State.Case is { } c && !state.State.PartiesIndexed)
        {
            await partyIndex.ReplaceAsync(CaseNumber, RelatedCases.Keys(c));
            state.State.PartiesIndexed = true;
        }

        await EnsureEventsLoggedAsync();
    });

    public Task EnsureEventsLoggedAsync() => outbox.FinishPendingAsync(OutboxType, CaseNumber, state.State.Outbox);

    /// <summary>Replaces what the case-management system describes. Nodes are history, so they are added, never
    /// replaced: each node of the update not stored yet (same type, time, detail and public flag) is recorded, in
    /// the update's order, and announced as RecordNode announces it; a stored node the update leaves out stays. A
    /// client that sends the whole case back, nodes and all, records nothing twice.</summary>
    public async Task<CaseRecord> UpsertAsync(CaseUpsert update)
    {
        await RequireCourtAsync(update.CourtId, "case.court_id");
        var previous = state.State.Case;
        var stored = previous?.Nodes ?? [];
        var known = stored.Select(n => n.Canonical()).ToHashSet();
        var types = catalogue.For(update.CourtId);
        var given = (update.Nodes ?? []).Select(n => n.Canonical()).ToList();
        for (var i = 0; i < given.Count; i++)
        {
            if (!known.Contains(given[i]))
            {
                RequireHearing(RequireType(types, given[i], $"case.nodes[{i}].node_type", update.CourtId), given[i], $"case.nodes[{i}]");
            }
        }

        var added = given.Distinct().Where(n => !known.Contains(n)).ToList();
        var next = new CaseRecord(
            CaseNumber, update.CourtId, update.DivisionId, update.PresidingJudgeId, update.Parties,
            update.Status == CaseStatus.Unspecified ? previous?.Status ?? CaseStatus.Open : update.Status,
            stored.AddRange(added), update.RelatedCases, previous?.MovedToCourtId, previous?.MovedToCaseNumber,
            (previous?.Version ?? 0) + 1);

        // The upsert's event is ordinal 0 and its nodes' follow: a notice's cause is named by its event's place.
        var causes = added.Select((n, i) => NodeCause(n, types, next.Version, 1 + i)).OfType<RelatedNoticeCause>().ToList();
        if (previous is not null && previous.CourtId != update.CourtId)
        {
            causes.Add(new RelatedNoticeCause($"{CaseNumber}@{next.Version}#court", null, null, update.CourtId, null));
        }

        var notices = await NoticesAsync(next, causes);
        var keys = RelatedCases.Keys(next);
        if (!state.State.PartiesIndexed || previous is null || !keys.SetEquals(RelatedCases.Keys(previous)))
        {
            await partyIndex.ReplaceAsync(CaseNumber, keys);
        }

        state.State.PartiesIndexed = true;
        var hearings = PlanHearings(next, added, types);
        state.State.Case = next;
        state.State.GuardKey ??= RandomNumberGenerator.GetBytes(32);
        if (!string.IsNullOrEmpty(update.ServicePassword))
        {
            state.State.PasswordHash = ServicePassword.Hash(update.ServicePassword);
        }

        await CommitAsync(update.Actor, EventPayloads.CaseUpserted(next, added.Select(n => (n, Describe(types, n)))), notices, hearings);
        return next;
    }

    public Task<CaseRecord?> GetAsync() => Task.FromResult(state.State.Case);

    public Task<CaseRecord?> GetForRelatedNoticeAsync() => Task.FromResult(state.State.Case);

    public Task<CaseRecord> AssignJudgeAsync(string judgeId, string actor, string? reason) =>
        ChangeAsync(c => c with { PresidingJudgeId = judgeId }, actor, c => EventPayloads.CaseJudgeAssigned(c, judgeId, reason));

    public async Task<CaseRecord> MoveAsync(string toCourtId, string? toCaseNumber, string actor, string? reason)
    {
        await RequireCourtAsync(toCourtId, "to_court_id");
        if (string.Equals(toCaseNumber, CaseNumber, StringComparison.Ordinal))
        {
            throw EngineException.Invalid("to_case_number", "a case cannot move to itself");
        }

        var current = state.State.Case ?? throw EngineException.NotFound($"case {CaseNumber} is not known");
        var notices = await NoticesAsync(current, [new RelatedNoticeCause($"{CaseNumber}@{current.Version + 1}#0", null, null, toCourtId, toCaseNumber)]);
        return await ChangeAsync(c => c with { MovedToCourtId = toCourtId, MovedToCaseNumber = toCaseNumber, Status = CaseStatus.Moved }, actor,
            c => EventPayloads.CaseMoved(c, toCourtId, toCaseNumber, reason), notices, hearings: []);
    }

    public async Task<CaseRecord> RecordNodeAsync(CaseNodeInfo node, string actor)
    {
        var current = state.State.Case ?? throw EngineException.NotFound($"case {CaseNumber} is not known");
        var canonical = node.Canonical();
        var types = catalogue.For(current.CourtId);
        var type = RequireType(types, canonical, "node.node_type", current.CourtId);
        RequireHearing(type, canonical, "node");
        var notices = await NoticesAsync(current, [.. new[] { NodeCause(canonical, types, current.Version + 1, 0) }.OfType<RelatedNoticeCause>()]);
        return await ChangeAsync(c => c with { Nodes = c.Nodes.Add(canonical) }, actor, c => EventPayloads.CaseNodeRecorded(c, canonical, Describe(type)), notices,
            PlanHearings(current, [canonical], types));
    }

    /// <summary>The cause of notices a node is: only a public node of a public type that the configuration names.</summary>
    private RelatedNoticeCause? NodeCause(CaseNodeInfo node, CourtNodeTypes types, long version, int ordinal) =>
        node.Public && types.Find(node.TypeId) is { Public: true } type && caseOptions.Value.NoticeNodeTypes.Contains(node.TypeId)
            ? new RelatedNoticeCause($"{CaseNumber}@{version}#{ordinal}", node, Describe(type), null, null)
            : null;

    /// <summary>The notices of <paramref name="causes"/> to every party of every case related to
    /// <paramref name="source"/> (as it is after the change): the cases it lists, the cases that list it, and those
    /// sharing a party (at most Engine:Cases:RelatedNoticeMaxSharedCases), each read and checked again, as the index
    /// may be behind. Written with the change itself, so each is logged once however the change is retried.</summary>
    private async Task<IReadOnlyList<(EncodedEvent Event, string CourtId)>> NoticesAsync(CaseRecord source, List<RelatedNoticeCause> causes)
    {
        if (causes.Count == 0)
        {
            return [];
        }

        var numbers = source.RelatedCases
            .Concat(partyIndex.CasesWith(RelatedCases.SearchKeys(source), CaseNumber, caseOptions.Value.RelatedNoticeMaxSharedCases))
            .Where(n => n != CaseNumber)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var related = await Task.WhenAll(numbers.Select(n => GrainFactory.GetGrain<ICaseGrain>(n).GetForRelatedNoticeAsync()));
        var notices = new List<(EncodedEvent Event, string CourtId)>();
        foreach (var other in related.OfType<CaseRecord>())
        {
            if (RelatedCases.Relation(source, other) is { } listed)
            {
                foreach (var cause in causes)
                {
                    notices.AddRange(EventPayloads.CaseRelatedNotices(source, other, listed, cause));
                }
            }
        }

        return notices;
    }

    /// <summary>The type of <paramref name="node"/> in the court's catalogue; refused, naming what is allowed, when it
    /// has none.</summary>
    private static ProgressNodeType RequireType(CourtNodeTypes types, CaseNodeInfo node, string field, string courtId) =>
        types.Find(node.TypeId)
        ?? throw EngineException.Invalid(field, $"'{node.TypeId}' is not a progress node type of court {courtId}; allowed: {types.AllowedText}");

    private static NodeTypeText Describe(ProgressNodeType type) => new(type.Name, type.Template);

    private static NodeTypeText Describe(CourtNodeTypes types, CaseNodeInfo node) =>
        types.Find(node.TypeId) is { } type ? Describe(type) : new NodeTypeText(node.TypeId, string.Empty);

    public async Task<ImmutableArray<CaseNodeInfo>?> LookupAsync(string phone, string password) =>
        await LookupNamedAsync(phone, password) is { } named ? [.. named.Select(n => n.Node)] : null;

    public async Task<ImmutableArray<NamedCaseNode>?> LookupNamedAsync(string phone, string password)
    {
        // The hash is computed whatever else failed, so that every failure takes the same time; and the guard is asked
        // once, the same way, for every attempt.
        var passwordMatches = ServicePassword.Verify(password, state.State.PasswordHash);
        var isParty = state.State.Case?.Parties.Any(p => string.Equals(p.Phone, phone, StringComparison.Ordinal)) == true;
        if (!await Guard(phone).SettleAsync(passwordMatches && isParty, state.State.Case?.CourtId))
        {
            return null;
        }

        // A type the catalogue no longer has (a file that added it was replaced) keeps its id for a name.
        var types = catalogue.For(state.State.Case!.CourtId);
        return [.. state.State.Case.Nodes
            .Where(n => n.Public)
            .Select(n => (Node: n, Type: types.Find(n.TypeId)))
            .Where(n => n.Type?.Public != false)
            .OrderBy(n => n.Node.At)
            .Select(n => new NamedCaseNode(n.Node.Canonical(), n.Type?.Name ?? n.Node.TypeId, n.Type?.Template ?? string.Empty))];
    }

    public async Task<LookupLockoutLifted> LiftLookupLockoutAsync(string phone)
    {
        if (state.State.Case is null)
        {
            throw EngineException.NotFound($"case {CaseNumber} is not known");
        }

        return await Guard(phone).LiftAsync();
    }

    private ILookupGuardGrain Guard(string phone) =>
        GrainFactory.GetGrain<ILookupGuardGrain>(CaseNumber + "|" + Phone.Pseudonym(phone, GuardKey()));

    /// <summary>Guards are keyed by a pseudonym of the phone, not the phone: Orleans logs grain ids at debug level, and
    /// stores them. The key is never logged. A case stored before it had one uses its password hash (random per case)
    /// until its next upsert; a case with neither uses this activation's key, as all its look-ups fail anyway.</summary>
    private byte[] GuardKey() =>
        state.State.GuardKey ?? (state.State.PasswordHash is { } hash ? Encoding.UTF8.GetBytes(hash) : _noPasswordKey);

    public Task<CaseRoutingFacts?> GetRoutingFactsAsync() => Task.FromResult(state.State.Case is { } c
        ? new CaseRoutingFacts(c.CaseNumber, c.CourtId, c.DivisionId, c.PresidingJudgeId, c.MovedToCourtId, c.MovedToCaseNumber)
        : null);

    private async Task<CaseRecord> ChangeAsync(
        Func<CaseRecord, CaseRecord> change, string actor, Func<CaseRecord, EncodedEvent> happened, IReadOnlyList<(EncodedEvent Event, string CourtId)>? notices = null,
        ImmutableArray<PlannedHearing>? hearings = null)
    {
        var current = state.State.Case ?? throw EngineException.NotFound($"case {CaseNumber} is not known");
        var next = change(current) with { Version = current.Version + 1 };
        state.State.Case = next;
        await CommitAsync(actor, [happened(next)], notices, hearings);
        return next;
    }

    /// <summary>Writes the state with its events (one version, in order) through the outbox (<see cref="GrainOutbox"/>).
    /// When any step fails the activation goes: its memory may be ahead of what was stored, and the next call reads
    /// storage.</summary>
    /// <param name="notices">Related-case notices, after the events, each in its related case's court.</param>
    /// <param name="hearings">The hearings after the change, when it may change them (null: as they are).</param>
    private async Task CommitAsync(
        string actor, IReadOnlyList<EncodedEvent> events, IReadOnlyList<(EncodedEvent Event, string CourtId)>? notices = null, ImmutableArray<PlannedHearing>? hearings = null)
    {
        try
        {
            var c = state.State.Case!;
            var at = time.GetUtcNow();
            var before = StoredHearings;
            var after = HearingPlan.Pending(c.Status == CaseStatus.Open ? hearings ?? before : [], at);
            // The wake is pulled earlier before the write and set exactly after it, so a crash between the two leaves
            // it early (a wake that finds nothing due and sets it again), never late (decision 62).
            var timed = !before.IsEmpty || !after.IsEmpty;
            var wake = timed ? new OutboxWake(TimerKey, HearingPlan.NextAt(after, PartyKeys(c), at)) : null;
            state.State.Hearings = after;
            var rows = events.Select(e => (Event: e, CourtId: c.CourtId)).Concat(notices ?? []);
            await outbox.CommitAsync(OutboxType, CaseNumber, state,
                [.. rows.Select((e, ordinal) => e.Event.Row(CaseNumber, c.Version, ordinal, at, actor, e.CourtId))], wake);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private string TimerKey => DueTimerShardGrain.CaseKey(CaseNumber);

    /// <summary>The hearings of the state (none on a case stored before them, whose state read leaves the array unset).</summary>
    private ImmutableArray<PlannedHearing> StoredHearings => state.State.Hearings.IsDefault ? [] : state.State.Hearings;

    /// <summary>Each party's key for "reminded once" (<see cref="HearingPlan.PartyKey"/>), in the case's order.</summary>
    private static List<string> PartyKeys(CaseRecord c) => [.. c.Parties.Select(p => HearingPlan.PartyKey(p.Role, p.Name, p.Phone))];

    /// <summary>The hearings after <paramref name="nodes"/> are recorded on <paramref name="c"/>, in order, each by its
    /// type's effect at the case's court; the reminders planned on the court's calendar.</summary>
    private ImmutableArray<PlannedHearing> PlanHearings(CaseRecord c, IEnumerable<CaseNodeInfo> nodes, CourtNodeTypes types)
    {
        var hearings = StoredHearings;
        BusinessCalendar? calendar = null;
        foreach (var node in nodes)
        {
            var effect = types.Find(node.TypeId)?.Hearing ?? HearingEffect.None;
            // A scheduling node without a hearing (a client of an earlier build) plans nothing; a call-off without one
            // calls off every hearing of the case.
            if (effect == HearingEffect.None || (effect.NeedsTime() && node.Hearing is null))
            {
                continue;
            }

            hearings = HearingPlan.Apply(hearings, effect, node.Hearing?.HearingId, node.Hearing?.At, node.Hearing?.Place, at =>
                ReminderFor(calendar ??= CalendarOf(c), at));
        }

        return hearings;
    }

    private BusinessCalendar CalendarOf(CaseRecord c) => planner.PlanFor(c.CourtId, TicketKind.ContactJudge).Calendar;

    /// <summary>When a hearing at <paramref name="hearingAt"/> is to be reminded, on <paramref name="calendar"/>.</summary>
    private DateTimeOffset ReminderFor(BusinessCalendar calendar, DateTimeOffset hearingAt)
    {
        var options = caseOptions.Value;
        return HearingReminder.Planned(calendar, hearingAt, options.HearingReminderWorkingDays, options.HearingReminderTime, options.HearingReminderLead);
    }

    /// <summary>A node's hearing, checked against its type: a type with nothing to do with hearings has none, a type
    /// that schedules needs its time when it gives one, a cancellation gives no time.</summary>
    private static void RequireHearing(ProgressNodeType type, CaseNodeInfo node, string field)
    {
        if (node.Hearing is not { } hearing)
        {
            return;
        }

        switch (type.Hearing)
        {
            case HearingEffect.None:
                throw EngineException.Invalid($"{field}.hearing", $"a node of type {type.Id} has nothing to do with a hearing; leave hearing out");
            case HearingEffect.Scheduled or HearingEffect.Rescheduled when hearing.At is null:
                throw EngineException.Invalid($"{field}.hearing.at", $"is required: a node of type {type.Id} schedules the hearing");
            case HearingEffect.Cancelled when hearing.At is not null:
                throw EngineException.Invalid($"{field}.hearing.at", $"a node of type {type.Id} cancels the hearing; leave its time out");
        }
    }

    public async Task<int> FireDueAsync()
    {
        var now = time.GetUtcNow();
        if (state.State.Case is not { } c)
        {
            timers.Schedule(TimerKey, null);
            return 1;
        }

        var parties = PartyKeys(c);
        // Planned again on the court's calendar as it is now: a calendar put since (a year's calendar replacing the
        // provisional one, a make-up day) moves a reminder not yet sent; the calendar sweep wakes every owner after a
        // change for this.
        var calendar = CalendarOf(c);
        var stored = HearingPlan.Pending(StoredHearings, now);
        var hearings = stored.Select(h => h with { RemindAt = ReminderFor(calendar, h.At) }).ToImmutableArray();
        var due = HearingPlan.Due(hearings, parties, now).ToList();
        var sent = 0;
        if (due.Count > 0)
        {
            var courtName = (await GrainFactory.GetGrain<ICourtGrain>(c.CourtId).GetAsync())?.Court.Name;
            var zone = calendar.Zone;
            var events = new List<EncodedEvent>();
            foreach (var (hearing, todo) in due)
            {
                events.AddRange(todo.Select(i => EventPayloads.CaseHearingReminder(c, courtName, hearing, i, zone)));
                hearings = hearings.Replace(hearing, hearing with { Reminded = hearing.Reminded.AddRange(todo.Select(i => parties[i])) });
            }

            // What was sent is recorded in the same write as the events: a second wake finds them sent.
            state.State.Case = c with { Version = c.Version + 1 };
            await CommitAsync("engine", events, hearings: hearings);
            sent = events.Count;
        }
        else if (!hearings.SequenceEqual(stored))
        {
            // Moved: kept with the case (and its row set by the write), so that GetCase shows when it will go.
            await CommitAsync("engine", [], hearings: hearings);
            return 1;
        }
        else
        {
            timers.Schedule(TimerKey, HearingPlan.NextAt(hearings, parties, now));
        }

        return Math.Max(1, sent);
    }

    private async Task RequireCourtAsync(string courtId, string field)
    {
        if (await GrainFactory.GetGrain<ICourtGrain>(courtId).GetAsync() is null)
        {
            throw EngineException.Invalid(field, $"court '{courtId}' is not in the directory");
        }
    }
}
