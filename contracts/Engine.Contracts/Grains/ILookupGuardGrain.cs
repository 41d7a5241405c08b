namespace Engine.Contracts.Grains;

/// <summary>Failed password look-ups of one (case, phone) pair: after too many, the pair is locked for a while.</summary>
public interface ILookupGuardGrain : IGrainWithStringKey
{
    /// <summary>True while the pair is locked out.</summary>
    Task<bool> IsLockedAsync();

    /// <summary>Counts a failure; locks the pair when the limit is reached.</summary>
    Task RecordFailureAsync();

    /// <summary>A successful look-up clears the count.</summary>
    Task ResetAsync();
}
