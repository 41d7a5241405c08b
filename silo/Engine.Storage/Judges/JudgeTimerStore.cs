using System.Data.Common;
using Engine.Storage.Commits;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Storage.Timers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Storage.Judges;

/// <summary>What a judge's own timers have done (decision 63).</summary>
/// <param name="Version">The version of the judge's last events (one per change that made events).</param>
/// <param name="LastListDay">The court's date (yyyy-MM-dd) of the last morning list made, published or empty.</param>
/// <param name="LeaveStarted">The start of the leave whose start was acted on.</param>
/// <param name="LeaveEnded">The end of the leave whose end was announced.</param>
public sealed record JudgeTimerState(long Version, string? LastListDay, DateTimeOffset? LeaveStarted, DateTimeOffset? LeaveEnded)
{
    public static readonly JudgeTimerState None = new(0, null, null, null);
}

/// <summary>
/// Judges' timer state (table <c>judge_timers</c>), written with the events it made and the judge's next wake
/// (<c>due_timers</c>) in one transaction, through a <see cref="GroupCommitter{TWrite}"/> of its own: a burst of
/// morning lists (every judge of a country at 08:30) is a few transactions of a thousand judges, not five synced
/// writes per judge one after another (docs/benchmarks.md, "Judges' morning lists at national size").
/// </summary>
public sealed class JudgeTimerStore : IJudgeTimerStore, IDisposable
{
    private readonly Database _database;
    private readonly GroupCommitter<JudgeTimerWrite> _committer;
    private readonly BatchWriter _writer;

    public JudgeTimerStore(Database database, IOptions<StorageOptions> options, EventNotifier notifier, ILogger<JudgeTimerStore> logger)
    {
        _database = database;
        _writer = new BatchWriter(database, notifier);
        _committer = new GroupCommitter<JudgeTimerWrite>("judge-commit", Commit, options.Value.MaxBatchSize, options.Value.MaxQueuedWrites, logger);
    }

    public JudgeTimerState? Read(string judgeId)
    {
        using var connection = _database.Open();
        using var command = connection.Command("SELECT version, last_list_day, leave_started_ms, leave_ended_ms FROM judge_timers WHERE judge_id = @id;");
        command.Add("@id", judgeId);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new JudgeTimerState(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), Moment(reader, 2), Moment(reader, 3))
            : null;
    }

    public Task WriteAsync(JudgeTimerWrite write) => _committer.WriteAsync(write);

    public void Dispose()
    {
        _committer.Dispose();
        _writer.Dispose();
    }

    private static DateTimeOffset? Moment(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));

    /// <summary>Runs on the committer's thread: the whole batch in one transaction (nothing in it can be refused alone:
    /// the rows are upserts and an event already in the log is left out), so a failure fails the batch, and the
    /// connection is opened again for the next one.</summary>
    private void Commit(IReadOnlyList<JudgeTimerWrite> writes, Span<object?> results) => _writer.Commit((connection, transaction) =>
    {
        using var state = connection.Command("""
            INSERT INTO judge_timers (judge_id, version, last_list_day, leave_started_ms, leave_ended_ms) VALUES (@id, @version, @day, @started, @ended)
            ON CONFLICT (judge_id) DO UPDATE SET version = excluded.version, last_list_day = excluded.last_list_day,
                leave_started_ms = excluded.leave_started_ms, leave_ended_ms = excluded.leave_ended_ms;
            """, transaction);
        using var wakes = new DueTimerRows(connection, transaction);
        var (id, version, day, started, ended) = (state.Add("@id", null), state.Add("@version", null), state.Add("@day", null), state.Add("@started", null), state.Add("@ended", null));
        var events = new List<EventRow>();
        foreach (var write in writes)
        {
            id.Value = write.JudgeId;
            version.Value = write.State.Version;
            day.Value = (object?)write.State.LastListDay ?? DBNull.Value;
            started.Value = (object?)write.State.LeaveStarted?.ToUnixTimeMilliseconds() ?? DBNull.Value;
            ended.Value = (object?)write.State.LeaveEnded?.ToUnixTimeMilliseconds() ?? DBNull.Value;
            state.ExecuteNonQuery();
            wakes.Set(write.TimerKey, write.NextWake);
            events.AddRange(write.Events);
        }

        return events;
    });
}

/// <summary>A judge's change: its timer state, the events it made (none for a wake that only moved on) and its next
/// wake (null: the judge left the directory, its row goes).</summary>
public sealed record JudgeTimerWrite(string JudgeId, JudgeTimerState State, IReadOnlyList<EventRow> Events, string TimerKey, DateTimeOffset? NextWake);
