using System.CommandLine;

namespace Engine.Fixture;

/// <summary>Engine.Fixture's command line: <c>golden-bytes DIR</c> and <c>data DIR [engine arguments]</c>.</summary>
public static class FixtureCommandLine
{
    public static RootCommand Build(Func<string, Task<int>> goldenBytes, Func<string, IReadOnlyList<string>, Task<int>> data)
    {
        var goldenDirectory = new Argument<string>("directory") { Description = "where the golden bytes are written" };
        var golden = new Command("golden-bytes", "Writes the golden bytes of every stored type.") { goldenDirectory };
        golden.SetAction(result => goldenBytes(result.GetValue(goldenDirectory)!));

        var dataDirectory = new Argument<string>("directory") { Description = "the data directory made (it must not exist)" };
        var engineArgs = new Argument<string[]>("engine-arguments")
        {
            Description = "passed to the engine as they are, e.g. --storage postgres --connection \"Host=…\" --cluster-id fixture",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var dataCommand = new Command("data", "Makes a data directory through the API, with the build checked out now (tests/fixtures/README.md).") { dataDirectory, engineArgs };
        dataCommand.TreatUnmatchedTokensAsErrors = false;
        dataCommand.SetAction(result => data(result.GetValue(dataDirectory)!, [.. result.GetValue(engineArgs) ?? [], .. result.UnmatchedTokens]));

        return new RootCommand("Writes the upgrade fixtures (tests/fixtures/write.sh runs it). Exit status: 0 written; 64 a bad command line.")
        {
            golden, dataCommand,
        };
    }
}
