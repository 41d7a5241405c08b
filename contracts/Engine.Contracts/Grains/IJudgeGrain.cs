namespace Engine.Contracts.Grains;

/// <summary>Where a person works: judge id → court id, so that commands naming only a judge find the court grain.</summary>
public interface IJudgeGrain : IGrainWithStringKey
{
    /// <summary>The court the person belongs to, or null when unknown.</summary>
    Task<string?> GetCourtAsync();

    /// <summary>Records the court the person belongs to.</summary>
    Task SetCourtAsync(string courtId);
}
