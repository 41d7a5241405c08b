namespace Engine.Contracts.Grains;

/// <summary>Receives submissions: de-duplicates, routes, and creates the ticket. Stateless; one per silo core.</summary>
public interface IIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>Submits a validated ticket; a repeated (channel, idempotency key) returns the first ticket.</summary>
    Task<SubmitResult> SubmitAsync(NewTicket ticket);
}
