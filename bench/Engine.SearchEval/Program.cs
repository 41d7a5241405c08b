using System.CommandLine;
using Engine.SearchEval;
using Engine.Tools;

// From the repository root (it reads samples/ and tests/data/); each command prints a Markdown table for docs/search.md.
//   dotnet run -c Release --project bench/Engine.SearchEval [-- --entries 10000 --rounds 5 --only NAME --misses]
//   dotnet run -c Release --project bench/Engine.SearchEval -- topics    hot-topic terms: bigrams against words
//   dotnet run -c Release --project bench/Engine.SearchEval -- scores    the chosen index's top scores (GoodScore)
//   dotnet run -c Release --project bench/Engine.SearchEval -- bdn [BenchmarkDotNet options]
// --help lists the options (tools/Shared/CommandLineStyle.cs: the style every tool shares).
var entries = CommandLineStyle.Int("--entries", 10_000, "entries in the large corpus made from the sample (latency, top-3 at scale)", min: 1);
var rounds = CommandLineStyle.Int("--rounds", 5, "rounds of the labelled questions timed per candidate", min: 1);
var only = CommandLineStyle.Optional("--only", "run one candidate by name (bigram-bm25, jieba+bigram-bm25, lucene-smartcn, pg-trgm, …)");
var misses = new Option<bool>("--misses") { Description = "list the questions each candidate answers wrong" };
var root = new RootCommand("Measures the knowledge-search candidates on the labelled questions and over a large corpus (docs/search.md).")
{
    entries, rounds, only, misses,
};
root.SetAction(parsed => Candidates.Run(Corpus.FindRoot(), parsed.GetValue(entries), parsed.GetValue(rounds), parsed.GetValue(only), parsed.GetValue(misses)));

var topics = new Command("topics", "Hot-topic terms on tests/data/topic-texts.json: character bigrams against jieba words.");
topics.SetAction(_ => Topics.Run(Corpus.FindRoot()));
var scores = new Command("scores", "The chosen index's top-hit scores for right, wrong and unanswerable questions: where Engine:Knowledge:GoodScore should sit.");
scores.SetAction(_ => Scores.Run(Corpus.Load(Corpus.FindRoot())));
var bdn = new Command("bdn", "The chosen index with BenchmarkDotNet over 10,000 entries; BenchmarkDotNet's own options follow.")
{
    TreatUnmatchedTokensAsErrors = false,
};
bdn.SetAction(parsed => BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(SearchBenchmarks).Assembly).Run([.. parsed.UnmatchedTokens]));
root.Subcommands.Add(topics);
root.Subcommands.Add(scores);
root.Subcommands.Add(bdn);
return await CommandLineStyle.InvokeAsync(root, args);
