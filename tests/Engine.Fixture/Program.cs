using Engine.Fixture;

// dotnet run --project tests/Engine.Fixture -- golden-bytes DIR          the stored types' golden bytes
// dotnet run --project tests/Engine.Fixture -- data DIR [engine args]    a data directory made through the API
switch (args)
{
    case ["golden-bytes", var directory]:
        GoldenBytes.Write(directory);
        return 0;
    case ["data", var directory, .. var engineArgs]:
        await DataScenario.RunAsync(directory, engineArgs);
        return 0;
    default:
        Console.Error.WriteLine("usage: Engine.Fixture golden-bytes DIR | data DIR [engine arguments, e.g. --storage postgres --connection ...]");
        return 2;
}
