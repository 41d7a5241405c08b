
namespace Engine.Grains.Storage;

public sealed class LeaveSchedule(Database database) : ILeaveSchedule
{
    public Task ScheduleAsync(string judgeId, string courtId, DateTimeOffset startsAt) => ExecuteAsync(
        "INSERT INTO leave_starts (judge_id, court_id, starts_at_ms) VALUES (@j, @c, @t) ON CONFLICT (judge_id) DO UPDATE SET court_id = excluded.court_id, starts_at_ms = excluded.starts_at_ms;",
        ("@j", judgeId), ("@c", courtId), ("@t", startsAt.ToUnixTimeMilliseconds()));

    public Task CancelAsync(string judgeId) => ExecuteAsync("DELETE FROM leave_starts WHERE judge_id = @j;", ("@j", judgeId));

    public Task CompleteAsync(string judgeId, DateTimeOffset startsAt) => ExecuteAsync(
        "DELETE FROM leave_starts WHERE judge_id = @j AND starts_at_ms = @t;", ("@j", judgeId), ("@t", startsAt.ToUnixTimeMilliseconds()));

    public Task<IReadOnlyList<(string JudgeId, string CourtId, DateTimeOffset StartsAt)>> DueAsync(DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT judge_id, court_id, starts_at_ms FROM leave_starts WHERE starts_at_ms <= @now ORDER BY starts_at_ms LIMIT @limit;";
        command.Add("@now", now.ToUnixTimeMilliseconds());
        command.Add("@limit", limit);
        var due = new List<(string, string, DateTimeOffset)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            due.Add((reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }

        return Task.FromResult<IReadOnlyList<(string, string, DateTimeOffset)>>(due);
    }

    private Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        database.Execute(sql, [.. parameters.Select(p => (p.Name, (object?)p.Value))]);
        return Task.CompletedTask;
    }
}
