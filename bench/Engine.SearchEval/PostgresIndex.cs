using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Engine.Search;
using Npgsql;

namespace Engine.SearchEval;

/// <summary>
/// PostgreSQL, which has no Chinese parser: either pg_trgm (word_similarity of the question to the entry's question text,
/// GIN trigram index; the database's LC_CTYPE must be a UTF-8 locale, or pg_trgm drops every Han character), or a
/// tsvector of words pre-segmented by an analyzer under the 'simple' configuration (question weight A, answer weight D,
/// ts_rank, GIN index). A private server is started by scripts/postgres.sh for the run.
/// </summary>
internal sealed class PostgresIndex : ExternalIndex
{
    private readonly NpgsqlDataSource _source;
    private readonly ITextAnalyzer? _segmenter;

    public PostgresIndex(PostgresServer server, ITextAnalyzer? segmenter)
    {
        _segmenter = segmenter;
        _source = server.NewDatabase();
        Execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
        Execute("CREATE TABLE kb (id text PRIMARY KEY, question text NOT NULL, answer text NOT NULL, words tsvector)");
        Execute("CREATE INDEX kb_trgm ON kb USING gin (question gin_trgm_ops)");
        Execute("CREATE INDEX kb_words ON kb USING gin (words)");
    }

    protected override void Index(IReadOnlyList<SearchDocument> documents)
    {
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        foreach (var d in documents)
        {
            using var insert = new NpgsqlCommand(
                "INSERT INTO kb VALUES ($1, $2, $3, setweight(to_tsvector('simple', $4), 'A') || setweight(to_tsvector('simple', $5), 'D')) "
                + "ON CONFLICT (id) DO UPDATE SET question = excluded.question, answer = excluded.answer, words = excluded.words", connection, transaction);
            var question = QuestionText(d);
            insert.Parameters.AddWithValue(d.EntryId);
            insert.Parameters.AddWithValue(question);
            insert.Parameters.AddWithValue(d.Answer);
            insert.Parameters.AddWithValue(_segmenter is null ? string.Empty : string.Join(' ', _segmenter.Terms(question)));
            insert.Parameters.AddWithValue(_segmenter is null ? string.Empty : string.Join(' ', _segmenter.Terms(d.Answer)));
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        Execute("ANALYZE kb");
    }

    protected override IEnumerable<(string Id, double Score)> Raw(string text)
    {
        using var connection = _source.OpenConnection();
        using var search = connection.CreateCommand();
        if (_segmenter is null)
        {
            search.CommandText = "SELECT id, word_similarity($1, question) AS s FROM kb WHERE $1 <% question ORDER BY s DESC LIMIT " + Depth.ToString(CultureInfo.InvariantCulture);
            search.Parameters.AddWithValue(text);
        }
        else
        {
            var words = _segmenter.Terms(text).Distinct().ToArray();
            if (words.Length == 0)
            {
                return [];
            }

            search.CommandText = "SELECT id, ts_rank(words, q) AS s FROM kb, to_tsquery('simple', $1) q WHERE words @@ q ORDER BY s DESC LIMIT " + Depth.ToString(CultureInfo.InvariantCulture);
            search.Parameters.AddWithValue(string.Join(" | ", words.Select(w => "'" + w.Replace("'", "''", StringComparison.Ordinal) + "'")));
        }

        using var reader = search.ExecuteReader();
        var hits = new List<(string, double)>();
        while (reader.Read())
        {
            hits.Add((reader.GetString(0), reader.GetFloat(1)));
        }

        return hits;
    }

    public override void Dispose() => _source.Dispose();

    private void Execute(string sql)
    {
        using var command = _source.CreateCommand(sql);
        command.ExecuteNonQuery();
    }
}

/// <summary>A private PostgreSQL for the run (scripts/postgres.sh), stopped and removed at the end.</summary>
internal sealed class PostgresServer : IDisposable
{
    private readonly string _root;
    private readonly string _directory;
    private readonly string _connectionString;
    private int _databases;

    public PostgresServer(string root)
    {
        _root = root;
        _directory = Directory.CreateTempSubdirectory("search-eval-pg").FullName;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Script("start", _directory, port.ToString(CultureInfo.InvariantCulture));
        _connectionString = File.ReadAllText(Path.Combine(_directory, "connection-string")).Trim();
    }

    /// <summary>A new database whose LC_CTYPE is C.UTF-8, so that pg_trgm sees Han characters as letters.</summary>
    public NpgsqlDataSource NewDatabase()
    {
        var name = "kb" + (++_databases).ToString(CultureInfo.InvariantCulture);
        using (var admin = NpgsqlDataSource.Create(_connectionString))
        using (var create = admin.CreateCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"))
        {
            create.ExecuteNonQuery();
        }

        return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_connectionString) { Database = name, Options = "-c pg_trgm.word_similarity_threshold=0.2" }.ConnectionString);
    }

    public void Dispose()
    {
        Script("stop", _directory);
        Directory.Delete(_directory, recursive: true);
    }

    private void Script(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(_root, "scripts/postgres.sh"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {args[0]} failed ({process.ExitCode})");
        }
    }
}
