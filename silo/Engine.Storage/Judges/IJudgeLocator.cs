namespace Engine.Storage.Judges;

/// <summary>judge id → court id. The court grain holds the person; this only says which court grain that is. Every
/// call is synchronous.</summary>
public interface IJudgeLocator
{
    string? FindCourt(string judgeId);

    /// <summary>The current court of each of <paramref name="judgeIds"/> that is known.</summary>
    IReadOnlyDictionary<string, string> FindCourts(IReadOnlyCollection<string> judgeIds);

    /// <summary>Records (or moves) people in one transaction.</summary>
    void SetCourts(IReadOnlyCollection<(string JudgeId, string CourtId)> placements);
}
