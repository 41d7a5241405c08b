using System.Globalization;
using Engine.Search;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace Engine.SearchEval;

/// <summary>Lucene.Net 4.8 in memory (RAMDirectory) with the SmartCn analyzer (HMM word segmentation, its own
/// dictionary inside the assembly) and BM25 similarity; question field boosted over the answer as in the engine.</summary>
internal sealed class LuceneIndex : ExternalIndex
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private readonly RAMDirectory _directory = new();
    private readonly Analyzer _analyzer = new SmartChineseAnalyzer(Version);
    private IndexSearcher? _searcher;
    private DirectoryReader? _reader;

    protected override void Index(IReadOnlyList<SearchDocument> documents)
    {
        var config = new IndexWriterConfig(Version, _analyzer) { Similarity = new BM25Similarity(), OpenMode = OpenMode.CREATE_OR_APPEND };
        using (var writer = new IndexWriter(_directory, config))
        {
            foreach (var d in documents)
            {
                writer.UpdateDocument(new Term("id", d.EntryId), new Document
                {
                    new StringField("id", d.EntryId, Field.Store.YES),
                    new TextField("question", QuestionText(d), Field.Store.NO),
                    new TextField("answer", d.Answer, Field.Store.NO),
                });
            }

            writer.Commit();
        }

        _reader?.Dispose();
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
    }

    protected override IEnumerable<(string Id, double Score)> Raw(string text)
    {
        var query = new BooleanQuery();
        foreach (var term in Tokens(text).Distinct())
        {
            query.Add(new TermQuery(new Term("question", term)), Occur.SHOULD);
            query.Add(new TermQuery(new Term("answer", term)) { Boost = 0.3f }, Occur.SHOULD);
        }

        if (query.Clauses.Count == 0)
        {
            return [];
        }

        var searcher = _searcher!;
        return searcher.Search(query, Depth).ScoreDocs.Select(s => (searcher.Doc(s.Doc).Get("id", CultureInfo.InvariantCulture), (double)s.Score));
    }

    private List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        using var stream = _analyzer.GetTokenStream("question", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(term.ToString());
        }

        stream.End();
        return tokens;
    }

    public override void Dispose()
    {
        _reader?.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }
}
