using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Grains.Storage;

namespace Engine.Grains.Grains;

/// <summary>
/// One ticket. Its record lives in the tickets table (group-committed with other tickets) rather than in
/// grain storage; every command checks the lifecycle, appends history, and awaits the write before answering.
/// </summary>
internal sealed class TicketGrain(ITicketStore store, TimeProvider time) : Grain, ITicketGrain
{
    private TicketRecord? _ticket;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _ticket = await store.LoadAsync(this.GetPrimaryKeyString());

    public Task<TicketRecord?> GetAsync() => Task.FromResult(_ticket ?? Absent());

    public Task<TicketRecord> ReplyAsync(string actor, string reply) =>
        ApplyAsync(TicketCommand.Reply, actor, "replied", null, t => t with { State = TicketState.Replied, Reply = reply });

    public async Task<TicketRecord> CloseAsync(string actor, string? note)
    {
        var closed = await ApplyAsync(TicketCommand.Close, actor, "closed", note, t => t with { State = TicketState.Closed });
        if (closed.Assignee is { Type: AssigneeType.Judge, CourtId: { } courtId })
        {
            await GrainFactory.GetGrain<ICourtGrain>(courtId).ReleaseAsync(closed.Assignee.Id);
        }

        return closed;
    }

    /// <summary>No such ticket (intake stores new tickets itself): answer, then let the empty activation go.</summary>
    private TicketRecord? Absent()
    {
        DeactivateOnIdle();
        return null;
    }

    private async Task<TicketRecord> ApplyAsync(TicketCommand command, string actor, string action, string? reason, Func<TicketRecord, TicketRecord> change)
    {
        var current = _ticket ?? Absent() ?? throw EngineException.NotFound($"ticket {this.GetPrimaryKeyString()} does not exist");
        if (!TicketLifecycle.Allows(current.State, command))
        {
            throw EngineException.Precondition(TicketLifecycle.Refusal(current.State, command));
        }

        var now = time.GetUtcNow();
        var changed = change(current);
        var next = changed with
        {
            Version = current.Version + 1,
            UpdatedAt = now,
            History = current.History.Add(new HistoryEntry(now, actor, action, current.State, changed.State, reason, changed.Assignee)),
        };
        await store.UpdateAsync(next, current.Version);
        _ticket = next;
        return next;
    }
}
