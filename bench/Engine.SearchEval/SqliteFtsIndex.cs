using System.Globalization;
using Engine.Search;
using Microsoft.Data.Sqlite;

namespace Engine.SearchEval;

/// <summary>SQLite FTS5 in memory, ranked by its bm25() with the answer column weighted 0.3. Either the trigram
/// tokenizer (no dictionary; a query becomes the OR of its character triples) or text pre-segmented by an analyzer
/// (words joined by spaces, unicode61 tokenizer; a query becomes the OR of its words).</summary>
internal sealed class SqliteFtsIndex : ExternalIndex
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly ITextAnalyzer? _segmenter;

    /// <param name="segmenter">Null: trigram tokenizer on the raw text.</param>
    public SqliteFtsIndex(ITextAnalyzer? segmenter)
    {
        _segmenter = segmenter;
        _connection.Open();
        Execute($"CREATE VIRTUAL TABLE kb USING fts5(id UNINDEXED, question, answer, tokenize='{(segmenter is null ? "trigram" : "unicode61")}')");
    }

    protected override void Index(IReadOnlyList<SearchDocument> documents)
    {
        using var transaction = _connection.BeginTransaction();
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO kb(id, question, answer) VALUES ($id, $q, $a)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var q = insert.Parameters.Add("$q", SqliteType.Text);
        var a = insert.Parameters.Add("$a", SqliteType.Text);
        foreach (var d in documents)
        {
            id.Value = d.EntryId;
            q.Value = Text(QuestionText(d));
            a.Value = Text(d.Answer);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    protected override IEnumerable<(string Id, double Score)> Raw(string text)
    {
        var terms = _segmenter is null ? Trigrams(text) : _segmenter.Terms(text).Distinct().ToArray();
        if (terms.Length == 0)
        {
            return [];
        }

        using var search = _connection.CreateCommand();
        search.CommandText = "SELECT id, bm25(kb, 0, 1.0, 0.3) FROM kb WHERE kb MATCH $m ORDER BY 2 LIMIT " + Depth.ToString(CultureInfo.InvariantCulture);
        search.Parameters.AddWithValue("$m", string.Join(" OR ", terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")));
        using var reader = search.ExecuteReader();
        var hits = new List<(string, double)>();
        while (reader.Read())
        {
            hits.Add((reader.GetString(0), -reader.GetDouble(1)));
        }

        return hits;
    }

    public override void Dispose() => _connection.Dispose();

    private string Text(string text) => _segmenter is null ? text : string.Join(' ', _segmenter.Terms(text));

    private static string[] Trigrams(string text)
    {
        var chars = text.Where(char.IsLetterOrDigit).ToArray();
        return [.. Enumerable.Range(0, Math.Max(0, chars.Length - 2)).Select(i => new string(chars, i, 3)).Distinct()];
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
