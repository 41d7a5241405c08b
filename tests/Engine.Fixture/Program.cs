using Engine.Fixture;
using Engine.Tools;

// dotnet run --project tests/Engine.Fixture -- golden-bytes DIR          the stored types' golden bytes
// dotnet run --project tests/Engine.Fixture -- data DIR [engine args]    a data directory made through the API
// --help lists the commands (tools/Shared/CommandLineStyle.cs: the style every tool shares).
return await CommandLineStyle.InvokeAsync(FixtureCommandLine.Build(
    directory =>
    {
        GoldenBytes.Write(directory);
        return Task.FromResult(0);
    },
    async (directory, engineArgs) =>
    {
        await DataScenario.RunAsync(directory, [.. engineArgs]);
        return 0;
    }), args);
