namespace Engine.Storage.Judges;

/// <summary>Durable list of leaves that begin later, so that their start is acted on even across restarts. Every call
/// is synchronous.</summary>
public interface ILeaveSchedule
{
    /// <summary>Records (or replaces) the judge's coming leave start.</summary>
    void Schedule(string judgeId, string courtId, DateTimeOffset startsAt);

    /// <summary>Forgets the judge's coming leave start (leave cancelled, or begun and handled).</summary>
    void Cancel(string judgeId);

    /// <summary>Leave starts due at <paramref name="now"/>, oldest first.</summary>
    IReadOnlyList<(string JudgeId, string CourtId, DateTimeOffset StartsAt)> Due(DateTimeOffset now, int limit);

    /// <summary>Removes a handled start, unless it was re-scheduled meanwhile.</summary>
    void Complete(string judgeId, DateTimeOffset startsAt);
}
