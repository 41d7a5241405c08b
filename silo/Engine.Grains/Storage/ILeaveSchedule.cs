namespace Engine.Grains.Storage;

/// <summary>Durable list of leaves that begin later, so that their start is acted on even across restarts.</summary>
public interface ILeaveSchedule
{
    /// <summary>Records (or replaces) the judge's coming leave start.</summary>
    Task ScheduleAsync(string judgeId, string courtId, DateTimeOffset startsAt);

    /// <summary>Forgets the judge's coming leave start (leave cancelled, or begun and handled).</summary>
    Task CancelAsync(string judgeId);

    /// <summary>Leave starts due at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<(string JudgeId, string CourtId, DateTimeOffset StartsAt)>> DueAsync(DateTimeOffset now, int limit);

    /// <summary>Removes a handled start, unless it was re-scheduled meanwhile.</summary>
    Task CompleteAsync(string judgeId, DateTimeOffset startsAt);
}
