using Engine.Load;

// engine-load <scenario> [--name value ...]. Scenarios: deadlines. See README.md, section Benchmarks.
if (args.Length == 0 || args[0] is not "deadlines")
{
    Console.Error.WriteLine("usage: Engine.Load deadlines [--tickets 1000000] [--storm 20000] [--intake-rate 200] [--duration 120] [--data DIR] [--report FILE]");
    return 64;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

return await DeadlineRun.RunAsync(options);
