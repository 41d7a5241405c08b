using Engine.Storage.Databases;

namespace Engine.Storage.Cases;

/// <summary>The cases each party key (an identity number, a phone, a listed case) belongs to: how a case finds its
/// related cases without reading every case.</summary>
public interface ICasePartyIndex
{
    /// <summary>Makes <paramref name="keys"/> the keys of <paramref name="caseNumber"/>, in the process's turn to write
    /// (<see cref="Database.EnterWriterAsync"/>).</summary>
    Task ReplaceAsync(string caseNumber, IReadOnlyCollection<string> keys);

    /// <summary>The other cases with any of <paramref name="keys"/>, in case-number order, at most
    /// <paramref name="limit"/>.</summary>
    IReadOnlyList<string> CasesWith(IReadOnlyCollection<string> keys, string except, int limit);
}

/// <summary>The index in the engine's database (table case_parties).</summary>
public sealed class CasePartyIndex(Database database) : ICasePartyIndex
{
    public async Task ReplaceAsync(string caseNumber, IReadOnlyCollection<string> keys)
    {
        using var turn = await database.EnterWriterAsync();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using (var delete = connection.Command("DELETE FROM case_parties WHERE case_number = @c;", transaction))
        {
            delete.Add("@c", caseNumber);
            delete.ExecuteNonQuery();
        }

        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            using var insert = connection.Command("INSERT INTO case_parties (party_key, case_number) VALUES (@k, @c) ON CONFLICT DO NOTHING;", transaction);
            insert.Add("@k", key);
            insert.Add("@c", caseNumber);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public IReadOnlyList<string> CasesWith(IReadOnlyCollection<string> keys, string except, int limit)
    {
        if (keys.Count == 0 || limit <= 0)
        {
            return [];
        }

        using var connection = database.Open();
        var names = keys.Select((_, i) => "@k" + i).ToArray();
        using var command = connection.Command(
            $"SELECT DISTINCT case_number FROM case_parties WHERE party_key IN ({string.Join(", ", names)}) AND case_number <> @c ORDER BY case_number LIMIT @n;");
        var i = 0;
        foreach (var key in keys)
        {
            command.Add(names[i++], key);
        }

        command.Add("@c", except);
        command.Add("@n", limit);
        var found = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}
