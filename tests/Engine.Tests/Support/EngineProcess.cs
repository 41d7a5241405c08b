using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Engine.Tests.Support;

/// <summary>The engine as a real child process (the built Engine.Silo.dll, or the front-end's Engine.Frontend.dll), for
/// start-up, signal and crash tests.</summary>
public sealed partial class EngineProcess : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EngineProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, string program = "Engine.Silo.dll")
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }

            if (e.Data.Contains("Application started", StringComparison.Ordinal))
            {
                _started.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static EngineProcess Start(params string[] args) => new(args, null);

    /// <summary>The standalone front-end (Engine.Frontend.dll) instead of the engine.</summary>
    public static EngineProcess StartFrontend(params string[] args) => new(args, null, "Engine.Frontend.dll");

    /// <summary>Arguments for a private engine: its own ports and data directory, no dashboard.</summary>
    public static string[] Args(int grpcPort, string dataDirectory) =>
    [
        "--grpc", $"127.0.0.1:{grpcPort}",
        "--dashboard", string.Empty,
        "--silo-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--gateway-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--data", dataDirectory,
    ];

    public static EngineProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) => new(args, environment);

    /// <summary>Waits for the host's "Application started" line.</summary>
    public async Task WaitUntilStartedAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_started.Task, exited, Task.Delay(timeout));
        if (first != _started.Task)
        {
            throw new TimeoutException($"The engine did not start within {timeout} (exited: {_process.HasExited}).\n{StandardOutput}\n{StandardError}");
        }
    }

    /// <summary>Waits for the process to end and answers its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The engine did not exit within {timeout}.\n{StandardOutput}\n{StandardError}");
        }

        return _process.ExitCode;
    }

    public void Terminate() => _ = Kill(_process.Id, SigTerm);

    public void KillHard() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
