using System.CommandLine;
using Engine.Tools;

namespace Engine.Load;

/// <summary>What an intake or flow run does (README.md, "Benchmarks").</summary>
internal sealed record IntakeSettings(
    string? Target, string Mode, int Rate, int Concurrency, int Connections, double WarmupSeconds, double DurationSeconds,
    double RetryRate, double RepeatCallers, int Cases, int JudgesPerDivision, int ExtraCourts, string? Data, string Report,
    string? ApiKey, int Subscribers);

/// <summary>What a deadline run does.</summary>
internal sealed record DeadlineSettings(int Tickets, int Storm, int IntakeRate, int DurationSeconds, string? Data, string Report);

/// <summary>What a morning-list burst run does.</summary>
internal sealed record TimerSettings(
    int ExtraCourts, int JudgesPerDivision, double PendingShare, int LeadSeconds, int PatienceSeconds, string? Postgres, string? Data, string Report,
    IReadOnlyList<string> EngineSettings);

/// <summary>What a hearing-reminder burst run does.</summary>
internal sealed record HearingSettings(int Cases, int ExtraCourts, int LeadSeconds, int PatienceSeconds, string? Postgres, string? Data, string Report, IReadOnlyList<string> EngineSettings);

/// <summary>What a sizing run does: the intake run at each engine core count.</summary>
internal sealed record ScaleSettings(
    IReadOnlyList<int> Cores, int GeneratorCores, string Mode, int Rate, int Concurrency, int Connections, double WarmupSeconds, double DurationSeconds,
    int Cases, string Report, string Markdown);

/// <summary>What a password look-up timing run does.</summary>
internal sealed record LookupSettings(int Attempts, int MaxFailures, string? Data, string Report);

/// <summary>Engine.Load's command line: <c>intake</c>, <c>flow</c>, <c>deadlines</c>, <c>lookup</c>, <c>timers</c>, <c>hearings</c>, <c>scale</c>, each with its
/// options (tools/Shared/CommandLineStyle.cs: the style every tool shares).</summary>
internal static class LoadCommandLine
{
    public static RootCommand Build(
        Func<IntakeSettings, bool, Task<int>> intake, Func<DeadlineSettings, Task<int>> deadlines, Func<LookupSettings, Task<int>> lookup,
        Func<TimerSettings, Task<int>> timers, Func<HearingSettings, Task<int>> hearings, Func<ScaleSettings, Task<int>> scale)
    {
        var root = new RootCommand("Whole-engine load runs against a real engine process (README.md, \"Benchmarks\"; results in docs/benchmarks.md). " +
            "Exit status: 0 passed; 2 a ticket lost, a key that made two tickets, a failed submission, or look-up refusals that differ; 3 look-up failures told apart by time; 64 a bad command line.");
        root.Subcommands.Add(IntakeCommand("intake", "Submits the white paper's mix as channel adapters do and reads every acknowledged ticket back. Without --target it starts its own engine (a child process on a new data directory).", flow: false, intake));
        root.Subcommands.Add(IntakeCommand("flow", "As intake, and handles every ticket to its close, records callbacks, and keeps event subscribers reading (their lag is reported).", flow: true, intake));
        root.Subcommands.Add(DeadlinesCommand(deadlines));
        root.Subcommands.Add(LookupCommand(lookup));
        root.Subcommands.Add(TimersCommand(timers));
        root.Subcommands.Add(HearingsCommand(hearings));
        root.Subcommands.Add(ScaleCommand(scale));
        return root;
    }

    private static Command ScaleCommand(Func<ScaleSettings, Task<int>> run)
    {
        var cores = new Option<string>("--cores") { Description = "engine core counts to run, comma-separated (each needs one more CPU for the generator; larger ones are skipped)", DefaultValueFactory = _ => "1,2,4,8" };
        cores.Validators.Add(result =>
        {
            if (ParseCores(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError($"--cores must be whole numbers of at least 1, comma-separated (it is '{result.GetValueOrDefault<string>()}')");
            }
        });
        var generatorCores = CommandLineStyle.Int("--generator-cores", 8, "CPUs for the generator, after the engine's (fewer when the machine has fewer left)", min: 1);
        var load = LoadShape.Create(rate: 5000, concurrency: 256, connections: 8, " at each step");
        var cases = CommandLineStyle.Int("--cases", 5000, "cases generated (and stored) before each step", min: 1);
        var report = CommandLineStyle.Text("--report", "scale-report.json", "where the JSON report is written");
        var markdown = CommandLineStyle.Text("--markdown", "scale-report.md", "where the Markdown table is written");
        var command = new Command("scale", "Runs the intake measurement with the engine pinned to 1, 2, 4, 8 … CPUs and the generator on the CPUs after them (Linux, taskset), each step on a new engine, and prints the table: tickets/s, engine CPU per ticket, p50/p99, ratio to the gRPC health check, grain turns over 100 ms.")
        {
            cores, generatorCores, load.Mode, load.Rate, load.Concurrency, load.Connections, load.Warmup, load.Duration, cases, report, markdown,
        };
        command.SetAction(result => run(new ScaleSettings(
            ParseCores(result.GetValue(cores))!, result.GetValue(generatorCores), result.GetValue(load.Mode)!, result.GetValue(load.Rate), result.GetValue(load.Concurrency),
            result.GetValue(load.Connections), result.GetValue(load.Warmup), result.GetValue(load.Duration), result.GetValue(cases), result.GetValue(report)!, result.GetValue(markdown)!)));
        return command;
    }

    /// <summary>"1,2,4" as [1, 2, 4]; null when any part is not a whole number of at least 1.</summary>
    internal static IReadOnlyList<int>? ParseCores(string? text)
    {
        var parts = (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        var cores = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return null;
            }

            cores.Add(n);
        }

        return cores;
    }

    private static Command IntakeCommand(string name, string description, bool flow, Func<IntakeSettings, bool, Task<int>> run)
    {
        var target = CommandLineStyle.Optional("--target", "the engine's gRPC address (e.g. http://127.0.0.1:50051); default: start an engine of its own");
        var load = LoadShape.Create(rate: 2000, concurrency: 64, connections: 4, string.Empty);
        var retryRate = CommandLineStyle.Number("--retry-rate", 0.01, "share of submissions sent again with the same idempotency key", 0, 1);
        var repeatCallers = CommandLineStyle.Number("--repeat-callers", 0.05, "share of submissions by a caller seen before", 0, 1);
        var cases = CommandLineStyle.Int("--cases", 5000, "cases generated (and stored) before the run", min: 1);
        var judges = CommandLineStyle.Int("--judges-per-division", 3, "made-up judges per trial division", min: 1, max: 1000);
        var extraCourts = CommandLineStyle.Int("--extra-courts", 0, "generated courts beside the sample's (a national directory has about 3,500)", min: 0, max: Workload.MaxGeneratedCourts);
        var data = CommandLineStyle.Optional("--data", "the data directory of the engine it starts; default: a new one under the temporary directory");
        var report = CommandLineStyle.Text("--report", "intake-report.json", "where the JSON report is written");
        var apiKey = CommandLineStyle.ApiKey("an admin's (the run imports a directory)");
        var subscribers = CommandLineStyle.Int("--subscribers", 2, "event subscribers reading the whole stream", min: 0, max: 256);
        var command = new Command(name, description)
        {
            target, load.Mode, load.Rate, load.Concurrency, load.Connections, load.Warmup, load.Duration, retryRate, repeatCallers, cases, judges, extraCourts, data, report, apiKey,
        };
        if (flow)
        {
            command.Options.Add(subscribers);
        }

        command.SetAction(result => run(new IntakeSettings(
            result.GetValue(target), result.GetValue(load.Mode)!, result.GetValue(load.Rate), result.GetValue(load.Concurrency), result.GetValue(load.Connections),
            result.GetValue(load.Warmup), result.GetValue(load.Duration), result.GetValue(retryRate), result.GetValue(repeatCallers), result.GetValue(cases),
            result.GetValue(judges), result.GetValue(extraCourts), result.GetValue(data), result.GetValue(report)!, result.GetValue(apiKey),
            flow ? result.GetValue(subscribers) : 0), flow));
        return command;
    }

    /// <summary>The options that shape an intake measurement, shared by <c>intake</c>, <c>flow</c> and <c>scale</c> with
    /// defaults of their own.</summary>
    private sealed record LoadShape(Option<string> Mode, Option<int> Rate, Option<int> Concurrency, Option<int> Connections, Option<double> Warmup, Option<double> Duration)
    {
        public static LoadShape Create(int rate, int concurrency, int connections, string measured) => new(
            CommandLineStyle.OneOf("--mode", "closed", "closed: a fixed number of calls in flight (--concurrency); open: a fixed arrival rate (--rate), latency counted from when each call was due", "closed", "open"),
            CommandLineStyle.Int("--rate", rate, "open loop: calls a second", min: 1),
            CommandLineStyle.Int("--concurrency", concurrency, "closed loop: calls in flight", min: 1),
            CommandLineStyle.Int("--connections", connections, "HTTP/2 connections to the engine", min: 1, max: 1024),
            CommandLineStyle.Number("--warmup", 5, "seconds of warm-up before measuring" + measured, 0, 3600),
            CommandLineStyle.Number("--duration", 30, "seconds measured" + measured, 0.1, 86400));
    }

    private static Command DeadlinesCommand(Func<DeadlineSettings, Task<int>> run)
    {
        var tickets = CommandLineStyle.Int("--tickets", 1_000_000, "open tickets seeded with pending deadlines", min: 1);
        var storm = CommandLineStyle.Int("--storm", 20_000, "of them, how many fall due at one moment", min: 0);
        var intakeRate = CommandLineStyle.Int("--intake-rate", 200, "tickets submitted a second during the run, with drill ladders due within it", min: 0);
        var duration = CommandLineStyle.Int("--duration", 120, "seconds the run lasts", min: 1);
        var data = CommandLineStyle.Optional("--data", "the data directory seeded and started on; default: a new one under the temporary directory");
        var report = CommandLineStyle.Text("--report", "deadlines-report.json", "where the JSON report is written");
        var command = new Command("deadlines", "Seeds open tickets with pending deadlines (a storm due at one moment), starts the engine on them, submits at a rate, and reports step lateness, duplicates and missing steps.")
        {
            tickets, storm, intakeRate, duration, data, report,
        };
        command.Validators.Add(result =>
        {
            if (CommandLineStyle.TryGetValue(result, storm, out var stormValue) && CommandLineStyle.TryGetValue(result, tickets, out var ticketsValue) && stormValue > ticketsValue)
            {
                result.AddError($"--storm must be at most --tickets ({ticketsValue})");
            }
        });
        command.SetAction(result => run(new DeadlineSettings(
            result.GetValue(tickets), result.GetValue(storm), result.GetValue(intakeRate), result.GetValue(duration), result.GetValue(data), result.GetValue(report)!)));
        return command;
    }

    private static Command TimersCommand(Func<TimerSettings, Task<int>> run)
    {
        var extraCourts = CommandLineStyle.Int("--extra-courts", 3_975, "generated courts beside the sample's 25 (five trial divisions each)", min: 0, max: Workload.MaxGeneratedCourts);
        var judges = CommandLineStyle.Int("--judges-per-division", 6, "made-up judges per trial division (the defaults make 120,000 judges)", min: 1, max: 1000);
        var pendingShare = CommandLineStyle.Number("--pending-share", 1, "share of the judges given an overdue ticket, so that their list is published (0: every wake finds nothing to list)", 0, 1);
        var burst = BurstShape.Create("timers-report.json", "e.g. Engine:Deadlines:FireBatchSize=16");
        var command = new Command("timers", "Imports a national-size directory, gives judges an overdue ticket, makes every judge's morning list due at one moment, and reports how the burst drains: lateness, lists published against expected, duplicates, engine CPU.")
        {
            extraCourts, judges, pendingShare, burst.Lead, burst.Patience, burst.Postgres, burst.Data, burst.Report, burst.Set,
        };
        command.SetAction(result => run(new TimerSettings(
            result.GetValue(extraCourts), result.GetValue(judges), result.GetValue(pendingShare), result.GetValue(burst.Lead), result.GetValue(burst.Patience),
            result.GetValue(burst.Postgres), result.GetValue(burst.Data), result.GetValue(burst.Report)!, result.GetValue(burst.Set) ?? [])));
        return command;
    }

    private static Command HearingsCommand(Func<HearingSettings, Task<int>> run)
    {
        var cases = CommandLineStyle.Int("--cases", 100_000, "cases stored, each with a plaintiff, a defendant and an agent and a hearing tomorrow (the country has about that many a working day)", min: 1, max: 1_000_000);
        var extraCourts = CommandLineStyle.Int("--extra-courts", 0, "generated courts beside the sample's 25, sharing the cases", min: 0, max: Workload.MaxGeneratedCourts);
        var burst = BurstShape.Create("hearings-report.json", "e.g. Engine:Deadlines:MaxWakesPerSilo=256");
        var command = new Command("hearings", "Stores cases with a hearing tomorrow, makes every reminder due at one moment (as at 09:00 the working day before), and reports how the burst drains: lateness, reminders sent against expected (one per party), duplicates, engine CPU.")
        {
            cases, extraCourts, burst.Lead, burst.Patience, burst.Postgres, burst.Data, burst.Report, burst.Set,
        };
        command.SetAction(result => run(new HearingSettings(
            result.GetValue(cases), result.GetValue(extraCourts), result.GetValue(burst.Lead), result.GetValue(burst.Patience),
            result.GetValue(burst.Postgres), result.GetValue(burst.Data), result.GetValue(burst.Report)!, result.GetValue(burst.Set) ?? [])));
        return command;
    }

    /// <summary>The options of a timer burst (<c>timers</c>, <c>hearings</c>).</summary>
    private sealed record BurstShape(Option<int> Lead, Option<int> Patience, Option<string?> Postgres, Option<string?> Data, Option<string> Report, Option<string[]> Set)
    {
        public static BurstShape Create(string report, string settingExample) => new(
            CommandLineStyle.Int("--lead", 40, "seconds at least between the engine's second start and the burst (the moment is the next whole minute after)", min: 5, max: 3600),
            CommandLineStyle.Int("--patience", 1200, "seconds after the moment before the run gives up on the burst", min: 10),
            CommandLineStyle.Optional("--postgres", "a file holding the connection string of an empty PostgreSQL database (scripts/postgres.sh writes DIR/connection-string; a password stays off the command line): one silo on it instead of the SQLite file"),
            CommandLineStyle.Optional("--data", "the data directory; default: a new one under the temporary directory"),
            CommandLineStyle.Text("--report", report, "where the JSON report is written"),
            new Option<string[]>("--set") { Description = $"an engine setting for the burst, KEY=VALUE ({settingExample}); repeatable", AllowMultipleArgumentsPerToken = false });
    }

    private static Command LookupCommand(Func<LookupSettings, Task<int>> run)
    {
        var attempts = CommandLineStyle.Int("--attempts", 400, "look-ups of each kind (no such case, wrong password, phone not a party's), cold and warm", min: 1);
        var maxFailures = CommandLineStyle.Int("--max-failures", 100_000_000, "failed look-ups of a (case, phone) pair before it is locked (1: every refusal locks, so recording a lockout is timed too)", min: 1);
        var data = CommandLineStyle.Optional("--data", "the data directory of the engine it starts; default: a new one under the temporary directory");
        var report = CommandLineStyle.Text("--report", "lookup-report.json", "where the JSON report is written");
        var command = new Command("lookup", "Times refused password look-ups of three kinds on an engine of its own (throttles lifted) and tests whether their time tells them apart.")
        {
            attempts, maxFailures, data, report,
        };
        command.SetAction(result => run(new LookupSettings(result.GetValue(attempts), result.GetValue(maxFailures), result.GetValue(data), result.GetValue(report)!)));
        return command;
    }
}
