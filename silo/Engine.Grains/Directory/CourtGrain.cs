using Engine.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Domain.Routing;
using Engine.Grains.Events;
using Engine.Storage.Events;
using Engine.Storage.Tickets;

namespace Engine.Grains.Directory;

[GenerateSerializer]
internal sealed class CourtState : IOutboxState
{
    [Id(0)]
    public CourtInfo? Court { get; set; }

    [Id(1)]
    public Dictionary<string, DivisionInfo> Divisions { get; set; } = new(StringComparer.Ordinal);

    [Id(2)]
    public Dictionary<string, JudgeInfo> Judges { get; set; } = new(StringComparer.Ordinal);

    [Id(3)]
    public List<RoutingRuleEntry> Rules { get; set; } = [];

    /// <summary>Tickets returned to the platform as mis-routed, per the rule that routed them.</summary>
    [Id(4)]
    public Dictionary<string, long> ReturnsByRule { get; set; } = new(StringComparer.Ordinal);

    /// <summary>One per directory change: the version of the court's events.</summary>
    [Id(5)]
    public long Version { get; set; }

    /// <summary>The events of the last change, kept until they are in the log (see <see cref="GrainOutbox"/>).</summary>
    [Id(6)]
    public List<EventRow> Outbox { get; set; } = [];
}

/// <summary>
/// One court's directory, persisted as grain state, and its routing: the grain keeps a <see cref="CourtDirectory"/>
/// built from the state and the members' open-ticket loads (counted from the ticket table on activation, then kept
/// as tickets are routed and released). Routing is partitioned by court, so no single grain sees every ticket.
/// </summary>
internal sealed class CourtGrain(
    [PersistentState("court", EngineStorage.GrainStateName)] IPersistentState<CourtState> state,
    ITicketStore tickets,
    IOutbox outbox,
    StorageRefusals refusals,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, ICourtGrain
{
    public const string OutboxType = "court";

    private readonly Dictionary<string, int> _loads = new(StringComparer.Ordinal);
    private CourtDirectory? _directory;

    private string CourtId => this.GetPrimaryKeyString();

    /// <summary>Finishes the outbox and counts the members' loads; a database that is down refuses the activation as it
    /// would refuse a call.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => refusals.Guard(ActivateAsync);

    private async Task ActivateAsync()
    {
        await EnsureEventsLoggedAsync();
        if (state.State.Court is not null)
        {
            foreach (var (judgeId, load) in tickets.OpenLoads(CourtId))
            {
                _loads[judgeId] = load;
            }

            Rebuild();
        }
    }

    public Task EnsureEventsLoggedAsync() => outbox.FinishPendingAsync(OutboxType, CourtId, state.State.Outbox);

    public async Task<CourtInfo> UpsertCourtAsync(CourtInfo court)
    {
        state.State.Court = court;
        await SaveAsync(EventPayloads.CourtUpserted(court));
        return court;
    }

    public async Task<DivisionInfo> UpsertDivisionAsync(DivisionInfo division)
    {
        RequireCourt();
        state.State.Divisions[division.DivisionId] = division;
        await SaveAsync(EventPayloads.DivisionUpserted(division));
        return division;
    }

    public async Task<JudgeInfo> UpsertJudgeAsync(JudgeInfo judge)
    {
        RequireCourt();
        RequireDivision(judge.DivisionId, "judge.division_id");
        state.State.Judges[judge.JudgeId] = judge;
        await SaveAsync(EventPayloads.JudgeUpserted(judge));
        return judge;
    }

    public async Task RemoveJudgeAsync(string judgeId)
    {
        if (state.State.Judges.Remove(judgeId))
        {
            await SaveAsync(EventPayloads.JudgeRemoved(CourtId, judgeId));
        }
    }

    public async Task<JudgeInfo> SetAvailabilityAsync(string judgeId, AvailabilityInfo availability)
    {
        RequireCourt();
        if (!state.State.Judges.TryGetValue(judgeId, out var judge))
        {
            throw EngineException.NotFound($"judge {judgeId} is not in court {CourtId}");
        }

        if (availability.DelegateJudgeId is { } delegateId
            && (string.Equals(delegateId, judgeId, StringComparison.Ordinal) || !state.State.Judges.ContainsKey(delegateId)))
        {
            throw EngineException.Invalid("availability.delegate_judge_id", $"delegate '{delegateId}' must be another person of court {CourtId}");
        }

        var updated = judge with { Availability = availability };
        state.State.Judges[judgeId] = updated;
        await SaveAsync(EventPayloads.AvailabilitySet(updated));
        return updated;
    }

    public async Task<int> ImportAsync(DirectoryImport part)
    {
        // Merged before anything changes: a refused import leaves the court as it was, in memory too.
        var change = DirectoryMerge.Merge(state.State.Court, state.State.Divisions, state.State.Judges, part);
        if (change.IsEmpty)
        {
            return 0;
        }

        if (change.Court is { } court)
        {
            state.State.Court = court;
        }

        foreach (var division in change.Divisions)
        {
            state.State.Divisions[division.DivisionId] = division;
        }

        foreach (var judge in change.Judges)
        {
            state.State.Judges[judge.JudgeId] = judge;
        }

        await SaveAsync(ImportEvents(change));
        return (change.Court is null ? 0 : 1) + change.Divisions.Length + change.Judges.Length;
    }

    /// <summary>A court new to the directory is one event with everything it came with; in a known court, one event
    /// per court, division or person that changed, carrying it as it is now.</summary>
    private static List<EncodedEvent> ImportEvents(DirectoryChange change)
    {
        if (change.CourtIsNew)
        {
            return [EventPayloads.CourtImported(change.Court!, change.Divisions, change.Judges)];
        }

        var events = new List<EncodedEvent>();
        if (change.Court is { } court)
        {
            events.Add(EventPayloads.CourtUpserted(court));
        }

        events.AddRange(change.Divisions.Select(EventPayloads.DivisionUpserted));
        events.AddRange(change.Judges.Select(EventPayloads.JudgeUpserted));
        return events;
    }

    public async Task SetRoutingRulesAsync(ImmutableArray<RoutingRuleEntry> rules)
    {
        RequireCourt();
        state.State.Rules = [.. rules];
        await SaveAsync(EventPayloads.RoutingRulesSet(CourtId, rules));
    }

    public Task<CourtSnapshot?> GetAsync() => Task.FromResult(state.State.Court is { } court
        ? new CourtSnapshot(
            court,
            [.. state.State.Divisions.Values],
            [.. state.State.Judges.Values],
            [.. state.State.Rules],
            _loads.ToImmutableDictionary(StringComparer.Ordinal),
            state.State.ReturnsByRule.ToImmutableDictionary(StringComparer.Ordinal))
        : null);

    public Task<JudgeInfo?> GetJudgeAsync(string judgeId) => Task.FromResult(state.State.Judges.GetValueOrDefault(judgeId));

    public Task<RoutedTarget> RouteAsync(RoutingRequest request, bool reserve)
    {
        if (_directory is null)
        {
            return Task.FromResult(new RoutedTarget(false, Assignee.Triage, TicketMode.Undecided, Describe(RoutingDecision.Triage)));
        }

        var decision = Router.Route(_directory, request, time.GetUtcNow());
        if (reserve && decision.Type == AssigneeType.Judge)
        {
            ChangeLoad(decision.Id, +1);
        }

        return Task.FromResult(new RoutedTarget(
            true, new Assignee(decision.Type, decision.Id, decision.CourtId), decision.Mode, Describe(decision),
            StandsIn: decision.Rule is RoutingRule.Delegate or RoutingRule.DivisionHead));
    }

    public Task ReleaseAsync(string judgeId)
    {
        ChangeLoad(judgeId, -1);
        return Task.CompletedTask;
    }

    public Task AcquireAsync(string judgeId)
    {
        ChangeLoad(judgeId, +1);
        return Task.CompletedTask;
    }

    public Task<Assignee> ResolveAsync(Assignee target)
    {
        RequireCourt();
        var known = target.Type switch
        {
            AssigneeType.Judge => state.State.Judges.ContainsKey(target.Id),
            AssigneeType.Division => state.State.Divisions.ContainsKey(target.Id),
            AssigneeType.Office => state.State.Divisions.TryGetValue(target.Id, out var office) && office.Role == DivisionRole.ServiceOffice,
            AssigneeType.PlatformQueue => string.Equals(target.Id, state.State.Court!.EffectiveSubPlatformId, StringComparison.Ordinal),
            _ => false,
        };
        return known
            ? Task.FromResult(target with { CourtId = CourtId })
            : throw EngineException.NotFound($"court {CourtId} has no {target.Type} '{target.Id}'");
    }

    /// <summary>Who a step goes to, from the directory as it is now: warning and urging to the handler; supervision
    /// to the head of the handler's division and the vice-president in charge of it; special supervision to the
    /// court's service management office. A step that would reach nobody (no head, no vice-president on record)
    /// goes to the service office instead, so that it is never addressed to no one.</summary>
    public Task<ImmutableArray<Recipient>> RecipientsAsync(DeadlineStep deadlineStep, Assignee handler)
    {
        RequireCourt();
        var recipients = deadlineStep switch
        {
            DeadlineStep.Warning or DeadlineStep.Urging => [new Recipient(RecipientRole.Handler, handler.Id)],
            DeadlineStep.Supervision => DivisionLeaders(handler),
            _ => ImmutableArray<Recipient>.Empty,
        };
        return Task.FromResult(recipients.IsEmpty ? [new Recipient(RecipientRole.ServiceOffice, ServiceOffice())] : recipients);
    }

    private ImmutableArray<Recipient> DivisionLeaders(Assignee handler)
    {
        var divisionId = handler.Type switch
        {
            AssigneeType.Judge => state.State.Judges.GetValueOrDefault(handler.Id)?.DivisionId,
            AssigneeType.Division or AssigneeType.Office => handler.Id,
            _ => null,
        };
        if (divisionId is null || !state.State.Divisions.TryGetValue(divisionId, out var division))
        {
            return [];
        }

        var leaders = ImmutableArray.CreateBuilder<Recipient>(2);
        if (division.HeadJudgeId is { Length: > 0 } head)
        {
            leaders.Add(new Recipient(RecipientRole.DivisionHead, head));
        }

        if (division.VicePresidentId is { Length: > 0 } vicePresident)
        {
            leaders.Add(new Recipient(RecipientRole.VicePresident, vicePresident));
        }

        return leaders.ToImmutable();
    }

    private string ServiceOffice() =>
        state.State.Court!.ServiceOfficeId
        ?? state.State.Divisions.Values.Where(d => d.Role == DivisionRole.ServiceOffice).Select(d => d.DivisionId).Order(StringComparer.Ordinal).FirstOrDefault()
        ?? state.State.Court.EffectiveSubPlatformId;

    public async Task RecordReturnAsync(string rule)
    {
        state.State.ReturnsByRule[rule] = state.State.ReturnsByRule.GetValueOrDefault(rule) + 1;
        await WriteOrLeaveAsync(state.WriteStateAsync);
    }

    private void ChangeLoad(string judgeId, int delta)
    {
        var load = Math.Max(0, _loads.GetValueOrDefault(judgeId) + delta);
        _loads[judgeId] = load;
        if (_directory is not null && _directory.Judges.TryGetValue(judgeId, out var judge))
        {
            judge.Load = load;
        }
    }

    private static RoutingInfo Describe(RoutingDecision decision) =>
        new(RoutingExplanation.RuleName(decision), RoutingExplanation.Describe(decision));

    private void RequireCourt()
    {
        if (state.State.Court is null)
        {
            throw EngineException.NotFound($"court {CourtId} is not in the directory");
        }
    }

    private void RequireDivision(string? divisionId, string field)
    {
        if (divisionId is not null && !state.State.Divisions.ContainsKey(divisionId))
        {
            throw EngineException.Invalid(field, $"division '{divisionId}' is not a division of court {CourtId}");
        }
    }

    private Task SaveAsync(EncodedEvent change) => SaveAsync([change]);

    /// <summary>Writes the state with the change's events (one version, in order) through the outbox
    /// (<see cref="GrainOutbox"/>), rebuilding the routing directory once the state is stored.</summary>
    private Task SaveAsync(IReadOnlyList<EncodedEvent> events) => WriteOrLeaveAsync(() =>
    {
        state.State.Version++;
        var at = time.GetUtcNow();
        return outbox.CommitAsync(OutboxType, CourtId, state,
            [.. events.Select((e, ordinal) => e.Row(CourtId, state.State.Version, ordinal, at, "directory", CourtId))],
            afterStateWritten: Rebuild);
    });

    /// <summary>Runs a write; when it fails the activation goes, as its memory may be ahead of what was stored, and
    /// the next call reads storage.</summary>
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

    private void Rebuild()
    {
        var court = state.State.Court!;
        var directory = new CourtDirectory(CourtId, court.EffectiveSubPlatformId)
        {
            FilingDivisionId = court.FilingDivisionId,
            ServiceOfficeId = court.ServiceOfficeId,
            Rules = [.. state.State.Rules],
        };
        foreach (var division in state.State.Divisions.Values)
        {
            directory.AddDivision(division.DivisionId, division.Role, division.HeadJudgeId, division.VicePresidentId);
        }

        foreach (var info in state.State.Judges.Values)
        {
            var judge = directory.AddJudge(info.JudgeId, info.DivisionId, info.Role);
            judge.LeaveFrom = info.Availability.LeaveFrom;
            judge.LeaveTo = info.Availability.LeaveTo;
            judge.DelegateJudgeId = info.Availability.DelegateJudgeId;
            judge.Load = _loads.GetValueOrDefault(info.JudgeId);
        }

        _directory = directory;
    }
}
