namespace Engine.Contracts.Grains;

/// <summary>One person of the directory (keyed by judge id): their workload, their morning list on each working day
/// of their court, and the edges of their leave, each a durable timer (decision 60). The person's entry itself stays
/// in their court's grain, which routes with it; this grain reads it there.</summary>
public interface IJudgeGrain : IGrainWithStringKey
{
    /// <summary>The person, their workload and their timers; NOT_FOUND when they are not in the directory.</summary>
    Task<JudgeView> GetAsync();

    /// <summary>The person's entry changed (availability, court): their timers are planned again, and a leave edge
    /// already past is acted on now.</summary>
    Task ChangedAsync();

    /// <summary>Fires what is due (the day's morning list, a leave's start or end) and sets the next wake; answers how
    /// many fired. Woken by a timer shard; firing twice fires nothing twice.</summary>
    [ResponseTimeout(WakeCall.ResponseTimeout)]
    Task<int> FireDueAsync();

    /// <summary>Appends to the log any event the grain's state still holds (after a crash); the start-up sweep calls it.</summary>
    Task EnsureEventsLoggedAsync();
}
