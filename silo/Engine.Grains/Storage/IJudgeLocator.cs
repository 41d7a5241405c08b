namespace Engine.Grains.Storage;

/// <summary>judge id → court id. The court grain holds the person; this only says which court grain that is.</summary>
public interface IJudgeLocator
{
    Task<string?> FindCourtAsync(string judgeId);

    /// <summary>The current court of each of <paramref name="judgeIds"/> that is known.</summary>
    Task<IReadOnlyDictionary<string, string>> FindCourtsAsync(IReadOnlyCollection<string> judgeIds);

    /// <summary>Records (or moves) people in one transaction.</summary>
    Task SetCourtsAsync(IReadOnlyCollection<(string JudgeId, string CourtId)> placements);
}
