using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Storage.Tickets;
using Orleans.Concurrency;

namespace Engine.Grains.Routing;

// Reentrant: no state between calls.
[StatelessWorker]
[Reentrant]
internal sealed class ReroutingGrain(ITicketStore store) : Grain, IReroutingGrain
{
    private const int Page = 200;

    public Task<int> RerouteCaseAsync(string caseNumber, string actor, string reason) =>
        RerouteAsync(new TicketQuery(AssigneeType.Unspecified, null, null, caseNumber, TicketState.Unspecified, TicketKind.Unspecified, Page, null, OldestFirst: true, OpenOnly: true), actor, reason);

    public Task<int> RerouteJudgeAsync(string courtId, string judgeId, string actor, string reason) =>
        RerouteAsync(new TicketQuery(AssigneeType.Judge, judgeId, courtId, null, TicketState.Unspecified, TicketKind.Unspecified, Page, null, OldestFirst: true, OpenOnly: true), actor, reason);

    private async Task<int> RerouteAsync(TicketQuery query, string actor, string reason)
    {
        var moved = 0;
        while (true)
        {
            var page = store.List(query);
            foreach (var ticket in page.Tickets)
            {
                if (await GrainFactory.GetGrain<ITicketGrain>(ticket.TicketId).RerouteAsync(actor, reason))
                {
                    moved++;
                }
            }

            if (page.NextAfterTicketId is null)
            {
                return moved;
            }

            query = query with { AfterTicketId = page.NextAfterTicketId };
        }
    }
}
