using Engine.Load;

// Engine.Load <scenario> [--name value ...]. Scenarios: intake, flow, deadlines, lookup. See README.md, section Benchmarks.
const string Usage = """
    usage: Engine.Load intake    [--target URL] [--mode closed|open] [--concurrency 64] [--rate 2000] [--connections 4]
                                 [--warmup 5] [--duration 30] [--retry-rate 0.01] [--repeat-callers 0.05] [--cases 5000]
                                 [--judges-per-division 3] [--extra-courts 0] [--data DIR] [--report FILE] [--api-key KEY]
           Engine.Load flow      (the same options, and [--subscribers 2])
           Engine.Load deadlines [--tickets 1000000] [--storm 20000] [--intake-rate 200] [--duration 120] [--data DIR] [--report FILE]
           Engine.Load lookup    [--attempts 400] [--max-failures N] [--data DIR] [--report FILE]
    Without --target, intake starts its own engine (a child process on a new data directory); lookup always does,
    with its look-up throttles and lockout lifted.
    Against an engine that requires keys, pass an admin key (--api-key, or ENGINE_API_KEY): the run imports a directory.
    """;

if (args.Length == 0 || args[0] is not ("intake" or "flow" or "deadlines" or "lookup") || args.Length % 2 == 0)
{
    Console.Error.WriteLine(Usage);
    return 64;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

return args[0] switch
{
    "intake" => await IntakeRun.RunAsync(options),
    "flow" => await IntakeRun.RunAsync(options, flow: true),
    "lookup" => await LookupRun.RunAsync(options),
    _ => await DeadlineRun.RunAsync(options),
};
