namespace Engine.Contracts.Grains;

/// <summary>One ticket (work order), keyed by its engine-made id. Intake stores new tickets; this grain handles them.</summary>
public interface ITicketGrain : IGrainWithStringKey
{
    /// <summary>The ticket, or null when no ticket has this id.</summary>
    Task<TicketRecord?> GetAsync();

    /// <summary>The handler's reply.</summary>
    Task<TicketRecord> ReplyAsync(string actor, string reply);

    /// <summary>Closes a replied ticket.</summary>
    Task<TicketRecord> CloseAsync(string actor, string? note);
}
