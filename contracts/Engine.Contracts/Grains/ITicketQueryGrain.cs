namespace Engine.Contracts.Grains;

/// <summary>Reads lists of tickets from the ticket table. Stateless, so every silo answers locally.</summary>
public interface ITicketQueryGrain : IGrainWithIntegerKey
{
    /// <summary>One page of tickets matching the query, in ticket-id (creation) order.</summary>
    Task<TicketPage> ListAsync(TicketQuery query);
}
