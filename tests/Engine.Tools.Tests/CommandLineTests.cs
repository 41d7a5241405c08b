using System.CommandLine;
using Engine.Fixture;
using Engine.Load;
using Engine.Report;
using Engine.Tools;

namespace Engine.Tools.Tests;

/// <summary>The tools' command lines, parsed and bound to their settings but never run: the commands README.md and
/// docs/benchmarks.md quote keep working, the defaults are the ones the runs always had, and a bad value is refused
/// naming its option (exit status 64).</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Intake_without_options_runs_with_the_documented_defaults()
    {
        var (status, run) = await LoadAsync("intake");

        Assert.Equal(0, status);
        var (settings, flow) = Assert.IsType<(IntakeSettings, bool)>(run);
        Assert.False(flow);
        Assert.Equal(new IntakeSettings(null, "closed", 2000, 64, 4, 5, 30, 0.01, 0.05, 5000, 3, 0, null, "intake-report.json", null, 0), settings);
    }

    [Theory]
    [InlineData("intake --mode closed --concurrency 64 --duration 30")]
    [InlineData("intake --mode open --rate 1500 --duration 30")]
    [InlineData("intake --target http://127.0.0.1:50051 --mode open --rate 500")]
    [InlineData("intake --target http://127.0.0.1:43051 --mode closed --concurrency 64 --duration 20 --warmup 3")]
    [InlineData("flow --mode closed --concurrency 32 --duration 30 --subscribers 2")]
    [InlineData("deadlines --tickets 1000000 --storm 50000 --intake-rate 200 --duration 120")]
    [InlineData("lookup --attempts 500")]
    [InlineData("lookup --attempts 300 --max-failures 1")]
    [InlineData("scale --cores 1,2,4,8 --duration 30")]
    [InlineData("scale --cores 4 --mode open --rate 5000")]
    public async Task Every_load_command_the_documentation_quotes_still_parses(string line)
    {
        var (status, run) = await LoadAsync(line.Split(' '));

        Assert.Equal(0, status);
        Assert.NotNull(run);
    }

    [Fact]
    public async Task The_values_given_reach_the_run()
    {
        var (_, flowRun) = await LoadAsync("flow", "--target", "http://127.0.0.1:21051", "--mode", "open", "--rate", "1500", "--warmup", "2.5",
            "--retry-rate", "0.2", "--extra-courts", "3500", "--data", "/tmp/d", "--report", "r.json", "--api-key", "cek_x", "--subscribers", "4");
        var (flow, isFlow) = Assert.IsType<(IntakeSettings, bool)>(flowRun);
        Assert.True(isFlow);
        Assert.Equal(("http://127.0.0.1:21051", "open", 1500, 2.5, 0.2, 3500, "/tmp/d", "r.json", "cek_x", 4),
            (flow.Target, flow.Mode, flow.Rate, flow.WarmupSeconds, flow.RetryRate, flow.ExtraCourts, flow.Data, flow.Report, flow.ApiKey, flow.Subscribers));

        var (_, deadlineRun) = await LoadAsync("deadlines", "--tickets", "1000", "--storm", "500");
        Assert.Equal(new DeadlineSettings(1000, 500, 200, 120, null, "deadlines-report.json"), deadlineRun);

        var (_, lookupRun) = await LoadAsync("lookup", "--max-failures", "1");
        Assert.Equal(new LookupSettings(400, 1, null, "lookup-report.json"), lookupRun);

        var (_, timerRun) = await LoadAsync("timers", "--pending-share", "0", "--set", "Engine:Deadlines:FireBatchSize=16", "--set", "Engine:Deadlines:PollInterval=00:00:00.1");
        var timers = Assert.IsType<TimerSettings>(timerRun);
        Assert.Equal((3975, 6, 0.0, 40, null as string), (timers.ExtraCourts, timers.JudgesPerDivision, timers.PendingShare, timers.LeadSeconds, timers.Postgres));
        Assert.Equal(["Engine:Deadlines:FireBatchSize=16", "Engine:Deadlines:PollInterval=00:00:00.1"], timers.EngineSettings);

        var (_, hearingRun) = await LoadAsync("hearings", "--cases", "2000", "--set", "Engine:Deadlines:MaxWakesPerSilo=256");
        var hearings = Assert.IsType<HearingSettings>(hearingRun);
        Assert.Equal((2000, 0, 40, 1200, null as string, "hearings-report.json"), (hearings.Cases, hearings.ExtraCourts, hearings.LeadSeconds, hearings.PatienceSeconds, hearings.Postgres, hearings.Report));
        Assert.Equal(["Engine:Deadlines:MaxWakesPerSilo=256"], hearings.EngineSettings);

        var (_, scaleRun) = await LoadAsync("scale");
        var scale = Assert.IsType<ScaleSettings>(scaleRun);
        Assert.Equal([1, 2, 4, 8], scale.Cores);
        Assert.Equal((8, "closed", 256, 8, 30.0, "scale-report.json", "scale-report.md"),
            (scale.GeneratorCores, scale.Mode, scale.Concurrency, scale.Connections, scale.DurationSeconds, scale.Report, scale.Markdown));
        var (_, oneStep) = await LoadAsync("scale", "--cores", " 2 ", "--generator-cores", "1");
        Assert.Equal([2], Assert.IsType<ScaleSettings>(oneStep).Cores);
        Assert.Equal(1, ((ScaleSettings)oneStep!).GeneratorCores);
    }

    [Theory]
    [InlineData("intake --rate fast", "--rate must be a whole number (it is 'fast')")]
    [InlineData("intake --concurrency 0", "--concurrency must be at least 1 (it is 0)")]
    [InlineData("intake --retry-rate 1.5", "--retry-rate must be between 0 and 1 (it is 1.5)")]
    [InlineData("intake --mode half-open", "--mode must be one of closed, open (it is 'half-open')")]
    [InlineData("intake --extra-courts 10000", "--extra-courts must be between 0 and 9999 (it is 10000)")]
    [InlineData("intake --subscribers 2", "--subscribers")]
    [InlineData("deadlines --tickets 10 --storm 20", "--storm must be at most --tickets (10)")]
    [InlineData("lookup --attempts", "--attempts")]
    [InlineData("timers --pending-share 2", "--pending-share must be between 0 and 1 (it is 2)")]
    [InlineData("timers --lead 1", "--lead must be between 5 and 3600 (it is 1)")]
    [InlineData("hearings --cases 0", "--cases must be between 1 and 1000000 (it is 0)")]
    [InlineData("hearings --lead 4000", "--lead must be between 5 and 3600 (it is 4000)")]
    [InlineData("scale --cores 1,two", "--cores must be whole numbers of at least 1, comma-separated (it is '1,two')")]
    [InlineData("scale --cores 0,2", "--cores must be whole numbers of at least 1, comma-separated (it is '0,2')")]
    [InlineData("scale --generator-cores 0", "--generator-cores must be at least 1 (it is 0)")]
    [InlineData("soak", "soak")]
    public async Task A_bad_load_command_line_is_refused_naming_the_option(string line, string expected)
    {
        var error = new StringWriter();
        var ran = false;
        var root = LoadCommandLine.Build((_, _) => Ran(ref ran), _ => Ran(ref ran), _ => Ran(ref ran), _ => Ran(ref ran), _ => Ran(ref ran), _ => Ran(ref ran));

        var status = await CommandLineStyle.InvokeAsync(root, line.Split(' '), error);

        Assert.Equal(CommandLineStyle.UsageError, status);
        Assert.False(ran);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--help' for the options", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_option_with_its_default()
    {
        var output = new StringWriter();
        var root = LoadCommandLine.Build((_, _) => Task.FromResult(0), _ => Task.FromResult(0), _ => Task.FromResult(0), _ => Task.FromResult(0), _ => Task.FromResult(0), _ => Task.FromResult(0));

        var status = root.Parse(["intake", "--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.Equal(0, status);
        var help = output.ToString();
        Assert.Contains("--mode <closed|open>", help, StringComparison.Ordinal);
        Assert.Contains("[default: 2000]", help, StringComparison.Ordinal);
        Assert.Contains("[default: intake-report.json]", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--target http://127.0.0.1:50051 --year 2026 --out reports", null, "2026-01-01", "2027-01-01", "reports")]
    [InlineData("--from 2026-01-01 --to 2026-07-01 --court sh-pudong --out reports", "sh-pudong", "2026-01-01", "2026-07-01", "reports")]
    [InlineData("--year 2025", null, "2025-01-01", "2026-01-01", "reports")]
    [InlineData("--year 2026 --court sh-high --with-subordinate", "sh-high", "2026-01-01", "2027-01-01", "reports", true)]
    public async Task The_report_commands_the_documentation_quotes_still_parse(string line, string? court, string from, string to, string output, bool subordinate = false)
    {
        ReportSettings? seen = null;
        var root = ReportCommandLine.Build(settings =>
        {
            seen = settings;
            return Task.FromResult(0);
        });

        Assert.Equal(0, await CommandLineStyle.InvokeAsync(root, line.Split(' ')));

        Assert.Equal(new ReportScope(court, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), subordinate), seen!.Scope);
        Assert.Equal(("http://127.0.0.1:50051", output), (seen.Target, seen.OutputDirectory));
    }

    [Theory]
    [InlineData("", "give the period: --year YYYY, or --from YYYY-MM-DD and --to YYYY-MM-DD")]
    [InlineData("--year 26", "--year must be a year such as 2026 (it is '26')")]
    [InlineData("--from 2026-02-30 --to 2026-03-01", "--from must be a date written yyyy-MM-dd (it is '2026-02-30')")]
    [InlineData("--from 2026-03-01 --to 2026-03-01", "--to must be after --from (2026-03-01)")]
    [InlineData("--year 2026 --to 2026-03-01", "give either --year or --from and --to, not both")]
    [InlineData("--year 2026 --with-subordinate", "--with-subordinate needs --court")]
    public async Task A_bad_report_command_line_is_refused_naming_the_option(string line, string expected)
    {
        var error = new StringWriter();
        var root = ReportCommandLine.Build(_ => throw new InvalidOperationException("must not run"));

        var status = await CommandLineStyle.InvokeAsync(root, line.Split(' ', StringSplitOptions.RemoveEmptyEntries), error);

        Assert.Equal(CommandLineStyle.UsageError, status);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fixture_passes_engine_arguments_through_in_order()
    {
        (string Directory, IReadOnlyList<string> Args)? seen = null;
        string? golden = null;
        var root = FixtureCommandLine.Build(
            directory =>
            {
                golden = directory;
                return Task.FromResult(0);
            },
            (directory, args) =>
            {
                seen = (directory, args);
                return Task.FromResult(0);
            });

        Assert.Equal(0, await CommandLineStyle.InvokeAsync(root, ["golden-bytes", "out/golden-bytes"]));
        Assert.Equal(0, await CommandLineStyle.InvokeAsync(root, ["data", "out/postgres", "--storage", "postgres", "--connection", "Host=127.0.0.1;Port=21990", "--cluster-id", "fixture"]));

        Assert.Equal("out/golden-bytes", golden);
        Assert.Equal("out/postgres", seen!.Value.Directory);
        Assert.Equal(["--storage", "postgres", "--connection", "Host=127.0.0.1;Port=21990", "--cluster-id", "fixture"], seen.Value.Args);
        Assert.Equal(CommandLineStyle.UsageError, await CommandLineStyle.InvokeAsync(root, ["golden-bytes"], new StringWriter()));
    }

    private static async Task<(int Status, object? Run)> LoadAsync(params string[] args)
    {
        object? run = null;
        var root = LoadCommandLine.Build(
            (settings, flow) =>
            {
                run = (settings, flow);
                return Task.FromResult(0);
            },
            settings =>
            {
                run = settings;
                return Task.FromResult(0);
            },
            settings =>
            {
                run = settings;
                return Task.FromResult(0);
            },
            settings =>
            {
                run = settings;
                return Task.FromResult(0);
            },
            settings =>
            {
                run = settings;
                return Task.FromResult(0);
            },
            settings =>
            {
                run = settings;
                return Task.FromResult(0);
            });
        return (await CommandLineStyle.InvokeAsync(root, args), run);
    }

    private static Task<int> Ran(ref bool ran)
    {
        ran = true;
        return Task.FromResult(0);
    }
}
