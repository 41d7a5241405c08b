using Engine.Storage.Databases;

namespace Engine.Storage.Judges;

public sealed class JudgeLocator(Database database) : IJudgeLocator
{
    public string? FindCourt(string judgeId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT court_id FROM judge_courts WHERE judge_id = @j;";
        command.Add("@j", judgeId);
        return command.ExecuteScalar() as string;
    }

    public IReadOnlyDictionary<string, string> FindCourts(IReadOnlyCollection<string> judgeIds)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT court_id FROM judge_courts WHERE judge_id = @j;";
        var parameter = command.Add("@j", null);
        foreach (var judgeId in judgeIds)
        {
            parameter.Value = judgeId;
            if (command.ExecuteScalar() is string court)
            {
                found[judgeId] = court;
            }
        }

        return found;
    }

    public void SetCourts(IReadOnlyCollection<(string JudgeId, string CourtId)> placements)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO judge_courts (judge_id, court_id) VALUES (@j, @c) ON CONFLICT (judge_id) DO UPDATE SET court_id = excluded.court_id;";
        var judge = command.Add("@j", null);
        var court = command.Add("@c", null);
        foreach (var (judgeId, courtId) in placements)
        {
            judge.Value = judgeId;
            court.Value = courtId;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
