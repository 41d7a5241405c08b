using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Engine.Load;

/// <summary>
/// The sizing run (issue "Scale with cores"): for each engine core count, an engine of its own pinned to the first N
/// CPUs (taskset), this generator pinned to the CPUs after them, and the intake measurement of <see cref="IntakeRun"/>
/// (the gRPC health check, then SubmitTicket, the same client and connections): tickets a second, the engine's CPU per
/// acknowledged ticket, latency, the ratio to the health check, and the grain turns Orleans reported over 100 ms.
/// Prints a Markdown table and writes it with a JSON report.
/// </summary>
internal static class ScaleRun
{
    /// <summary>Orleans logs a grain turn longer than this; the run counts those warnings (the issue's "no grain turn
    /// over 100 ms").</summary>
    private const string LongTurn = "00:00:00.100";

    public static async Task<int> RunAsync(ScaleSettings settings)
    {
        var total = Environment.ProcessorCount;
        var steps = new List<Step>();
        var failed = false;
        foreach (var cores in settings.Cores)
        {
            if (cores >= total)
            {
                Console.WriteLine($"skipped: {cores} engine cores need {cores + 1} CPUs (the generator needs one of its own); this machine has {total}");
                continue;
            }

            var generator = Math.Min(settings.GeneratorCores, total - cores);
            var (engineCpus, generatorCpus) = (Cpus(0, cores), Cpus(cores, generator));
            Pin(generatorCpus);
            Console.WriteLine($"\n== engine on CPUs {engineCpus}, generator on {generatorCpus}");
            var data = Path.Combine(Path.GetTempPath(), "engine-scale-" + Guid.NewGuid().ToString("N")[..8]);
            var report = new Dictionary<string, object> { ["engineCores"] = cores, ["engineCpus"] = engineCpus, ["generatorCpus"] = generatorCpus };
            using (var engine = new EngineChild(data, [$"--Engine:Scheduling:TurnWarningLengthThreshold={LongTurn}"], cpus: engineCpus))
            {
                try
                {
                    await engine.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
                    var intake = new IntakeSettings(
                        null, settings.Mode, settings.Rate, settings.Concurrency, settings.Connections, settings.WarmupSeconds, settings.DurationSeconds,
                        RetryRate: 0.01, RepeatCallers: 0.05, settings.Cases, JudgesPerDivision: 3, ExtraCourts: 0, Data: null, Report: string.Empty, ApiKey: null, Subscribers: 0);
                    var measured = await IntakeRun.MeasureAsync(intake, flow: false, $"http://127.0.0.1:{engine.GrpcPort}", engine, report);
                    failed |= measured.Failed;
                    steps.Add(new Step(cores, generator, measured, report));
                }
                finally
                {
                    await engine.StopAsync();
                }
            }

            Directory.Delete(data, recursive: true);
        }

        var table = Table(settings, steps);
        Console.WriteLine();
        Console.WriteLine(table);
        await File.WriteAllTextAsync(settings.Markdown, table);
        await File.WriteAllTextAsync(settings.Report, RunOptions.Report(new Dictionary<string, object>
        {
            ["machine"] = Machine.Facts(), ["scenario"] = "scale", ["mode"] = settings.Mode, ["rate"] = settings.Rate, ["concurrency"] = settings.Concurrency,
            ["connections"] = settings.Connections, ["warmupSeconds"] = settings.WarmupSeconds, ["durationSeconds"] = settings.DurationSeconds,
            ["longTurnThreshold"] = LongTurn, ["steps"] = steps.Select(s => s.Report).ToArray(),
        }));
        Console.WriteLine($"report: {Path.GetFullPath(settings.Report)}, {Path.GetFullPath(settings.Markdown)}");
        return failed ? 2 : 0;
    }

    /// <summary>The run's table: one row per engine core count, throughput also as a multiple of the first row's.</summary>
    internal static string Table(ScaleSettings settings, IReadOnlyList<Step> steps)
    {
        var text = new StringBuilder();
        var first = steps.Count == 0 ? 0 : steps[0].Measured.Intake.Throughput;
        text.AppendLine(CultureInfo.InvariantCulture, $"Intake, {(settings.Mode == "open" ? $"open loop at {settings.Rate}/s" : $"closed loop, {settings.Concurrency} in flight")}, {settings.Connections} connections, {settings.DurationSeconds:F0} s measured; {Environment.ProcessorCount} CPUs ({Machine.Facts()["cpu"]}).");
        text.AppendLine();
        text.AppendLine("| engine cores | generator cores | tickets/s | × first row | engine CPU µs/ticket | p50 ms | p99 ms | gRPC health/s | ratio to health | turns > 100 ms | lost / two tickets for a key |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var step in steps)
        {
            var m = step.Measured;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {step.EngineCores} | {step.GeneratorCores} | {m.Intake.Throughput:F0} | {(first == 0 ? 0 : m.Intake.Throughput / first):F2} | {m.EngineCpuMicrosecondsPerTicket:F0} | {m.Intake.Ms(50):F1} | {m.Intake.Ms(99):F1} | {m.Baseline.Throughput:F0} | {(double.IsNaN(m.Ratio) ? "n/a" : m.Ratio.ToString("P1", CultureInfo.InvariantCulture))} | {m.LongTurns} | {m.Lost} / {m.KeyConflicts} |");
        }

        return text.ToString();
    }

    /// <summary>CPUs <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> - 1, as taskset lists them.</summary>
    internal static string Cpus(int from, int count) => count == 1 ? $"{from}" : $"{from}-{from + count - 1}";

    /// <summary>Pins every thread of this process (and the threads they start) to <paramref name="cpus"/>.</summary>
    private static void Pin(string cpus)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpus, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("taskset could not be started");
        taskset.WaitForExit();
        if (taskset.ExitCode != 0)
        {
            throw new InvalidOperationException($"taskset could not pin the generator to CPUs {cpus} (exit status {taskset.ExitCode})");
        }
    }

    internal sealed record Step(int EngineCores, int GeneratorCores, IntakeRun.Measurement Measured, Dictionary<string, object> Report);
}
