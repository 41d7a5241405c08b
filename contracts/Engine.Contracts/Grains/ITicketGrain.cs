namespace Engine.Contracts.Grains;

/// <summary>One ticket (work order), keyed by its engine-made id.</summary>
public interface ITicketGrain : IGrainWithStringKey
{
    /// <summary>Creates the ticket durably; when its idempotency key was taken meanwhile, returns the id that holds it.</summary>
    Task<CreateOutcome> CreateAsync(TicketRecord ticket);

    /// <summary>The ticket, or null when no ticket has this id.</summary>
    Task<TicketRecord?> GetAsync();

    /// <summary>The handler's reply.</summary>
    Task<TicketRecord> ReplyAsync(string actor, string reply);

    /// <summary>Closes a replied ticket.</summary>
    Task<TicketRecord> CloseAsync(string actor, string? note);
}

[GenerateSerializer, Immutable]
public sealed record CreateOutcome(TicketRecord? Created, string? ExistingTicketId);
