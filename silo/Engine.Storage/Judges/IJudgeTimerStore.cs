namespace Engine.Storage.Judges;

/// <summary>Judges' timer state, written with its events and the judge's next wake in one group-committed transaction
/// (decision 63).</summary>
public interface IJudgeTimerStore
{
    /// <summary>The judge's state; null when the judge has never written one (a judge of an older version reads its
    /// Orleans grain state instead, once).</summary>
    JudgeTimerState? Read(string judgeId);

    /// <summary>Writes the change durably (it is committed when the task completes): state, events and next wake,
    /// all or nothing.</summary>
    Task WriteAsync(JudgeTimerWrite write);
}
