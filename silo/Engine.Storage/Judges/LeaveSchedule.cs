using Engine.Storage.Databases;

namespace Engine.Storage.Judges;

public sealed class LeaveSchedule(Database database) : ILeaveSchedule
{
    public void Schedule(string judgeId, string courtId, DateTimeOffset startsAt) => database.Execute(
        "INSERT INTO leave_starts (judge_id, court_id, starts_at_ms) VALUES (@j, @c, @t) ON CONFLICT (judge_id) DO UPDATE SET court_id = excluded.court_id, starts_at_ms = excluded.starts_at_ms;",
        ("@j", judgeId), ("@c", courtId), ("@t", startsAt.ToUnixTimeMilliseconds()));

    public void Cancel(string judgeId) => database.Execute("DELETE FROM leave_starts WHERE judge_id = @j;", ("@j", judgeId));

    public void Complete(string judgeId, DateTimeOffset startsAt) => database.Execute(
        "DELETE FROM leave_starts WHERE judge_id = @j AND starts_at_ms = @t;", ("@j", judgeId), ("@t", startsAt.ToUnixTimeMilliseconds()));

    public IReadOnlyList<(string JudgeId, string CourtId, DateTimeOffset StartsAt)> Due(DateTimeOffset now, int limit)
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

        return due;
    }
}
