using System.Diagnostics;

namespace Engine.Load;

/// <summary>The engine (Engine.Silo.dll, built with this tool) as a child process on private ports, with its start-up
/// time, resident memory, CPU time and the grain turns Orleans reported as long; optionally pinned to some CPUs.</summary>
internal sealed class EngineChild : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _shardsRunning = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _sinceLaunch = Stopwatch.StartNew();
    private long _longTurns;
    /// <summary>The errors echoed whole (message and exception); later ones show their category and message only.</summary>
    private const int ErrorsEchoedWhole = 10;

    private int _errors;

    /// <summary>How many more indented lines of the error being logged are echoed.</summary>
    private int _linesLeft;

    /// <summary>The category and event id of Orleans' long-turn warning, as the console logger writes its first line.</summary>
    private const string LongTurnWarning = "Orleans.Runtime.Scheduler.WorkItemGroup[101215]";

    /// <param name="environment">More of the engine's environment (e.g. Engine__Storage__Provider): a connection string
    /// goes there, never on the command line.</param>
    /// <param name="cpus">A CPU list as taskset takes it (e.g. "0-3"): the engine runs pinned to those CPUs.</param>
    public EngineChild(string dataDirectory, IEnumerable<string> extraArgs, IReadOnlyDictionary<string, string>? environment = null, string? cpus = null)
    {
        GrpcPort = FreePort();
        var start = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (cpus is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Engine.Silo.dll"));
        foreach (var arg in (string[])["--grpc", $"127.0.0.1:{GrpcPort}", "--dashboard", "", "--silo-port", $"{FreePort()}", "--gateway-port", $"{FreePort()}", "--data", dataDirectory, .. extraArgs])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Engine.Grains.Deadlines"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Application started", StringComparison.Ordinal) == true)
            {
                StartedAfter = _sinceLaunch.Elapsed;
                _started.TrySetResult();
            }

            // Orleans' warning for a turn longer than SchedulingOptions.TurnWarningLengthThreshold (the engine's
            // Engine:Scheduling section sets it).
            if (e.Data?.Contains(LongTurnWarning, StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref _longTurns);
            }

            // Each error the engine logs, so that a failed run shows what the engine saw: the console logger's category
            // line, then its indented lines (the message, and for the first few errors the exception and its stack).
            if (e.Data is { } line)
            {
                if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine("engine: " + line.Trim());
                    _linesLeft = ++_errors <= ErrorsEchoedWhole ? int.MaxValue : 1;
                }
                else if (_linesLeft > 0 && line.StartsWith(' '))
                {
                    Console.Error.WriteLine("engine: " + line.Trim());
                    _linesLeft--;
                }
                else
                {
                    _linesLeft = 0;
                }
            }

            if (e.Data?.Contains("Deadline shards running", StringComparison.Ordinal) == true)
            {
                ShardsRunningAfter = _sinceLaunch.Elapsed;
                _shardsRunning.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("engine: " + e.Data);
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int GrpcPort { get; }

    public TimeSpan StartedAfter { get; private set; }

    public TimeSpan ShardsRunningAfter { get; private set; }

    /// <summary>Grain turns Orleans has reported longer than its threshold so far.</summary>
    public long LongTurns => Interlocked.Read(ref _longTurns);

    /// <summary>The CPU time the engine has used so far, user and system.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident set size now, from /proc (Linux).</summary>
    public long RssBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }

            return 0;
        }
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var ready = Task.WhenAll(_started.Task, _shardsRunning.Task);
        if (await Task.WhenAny(ready, Task.Delay(timeout)) != ready)
        {
            throw new TimeoutException($"the engine was not ready within {timeout}");
        }
    }

    /// <summary>SIGTERM, then waits for a clean exit.</summary>
    public async Task StopAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
