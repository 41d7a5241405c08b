using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Engine.Client.Tests.Support;

/// <summary>
/// A real engine for the client's tests: the built Engine.Silo run as a child process on its own temporary data
/// directory (SQLite), the sample directory imported at start, gRPC on a fixed loopback port. It can be killed hard
/// and started again on the same directory and port (its silo ports are new each time: a killed silo's entry stays
/// in the membership table until the new one declares it dead).
/// </summary>
public sealed class EngineServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string[] _extraArgs;
    private Process? _process;
    private readonly StringBuilder _output = new();

    private EngineServer(string[] extraArgs)
    {
        _extraArgs = extraArgs;
        DataDirectory = Path.Combine(Path.GetTempPath(), "engine-client-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        GrpcPort = LoopbackPorts.Next();
    }

    public string DataDirectory { get; }

    public int GrpcPort { get; }

    public string Address => $"http://127.0.0.1:{GrpcPort}";

    /// <summary>The admin key the engine writes at its first start when it requires keys.</summary>
    public string AdminKey => File.ReadAllText(Path.Combine(DataDirectory, "admin.key")).Trim();

    /// <summary>What the engine printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts an engine and waits until it serves calls.</summary>
    public static async Task<EngineServer> StartAsync(params string[] extraArgs)
    {
        var server = new EngineServer(extraArgs);
        try
        {
            await server.StartProcessAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends the process at once (SIGKILL): no shutdown, as a crash or a power cut.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the engine again on the same data directory and gRPC port.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the machine's /tmp cleaning.
        }
    }

    /// <summary>Client options for this engine: short backoffs, enough tries to outlast a restart.</summary>
    public EngineClientOptions ClientOptions(string? apiKey = null) => new()
    {
        Address = Address,
        ApiKey = apiKey,
        Deadline = TimeSpan.FromSeconds(30),
        Retry = new EngineRetryOptions { MaxAttempts = 200, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(500) },
    };

    private async Task StartProcessAsync()
    {
        var silo = typeof(EngineServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "EngineSilo").Value!;
        if (!File.Exists(silo))
        {
            throw new FileNotFoundException($"The engine is not built at {silo}: build the solution (dotnet build Engine.sln) first.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(silo)!,
        };
        string[] args =
        [
            silo,
            "--grpc", $"127.0.0.1:{GrpcPort}",
            "--dashboard", string.Empty,
            "--silo-port", LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture),
            "--data", DataDirectory,
            "--import", Path.Combine(AppContext.BaseDirectory, "samples", "shanghai-courts.json"),
            .. _extraArgs,
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;

        var exited = process.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        var first = await Task.WhenAny(started.Task, exited, Task.Delay(Timeout.Infinite, timeout.Token));
        if (first != started.Task)
        {
            throw new InvalidOperationException($"The engine did not start within {StartTimeout} (exited: {process.HasExited}):\n{Output}");
        }
    }
}

/// <summary>Loopback ports nothing listens on, taken below the kernel's range for outgoing connections (so that no
/// outgoing connection takes one between the check and the engine's bind), none handed out twice in a run. They come
/// from 27000-31999, apart from where tests/Engine.Tests starts (the lower half of 20000-32767), since both test
/// assemblies run at once.</summary>
public static class LoopbackPorts
{
    private const int First = 27000;
    private const int End = 32000;
    private static readonly Lock Gate = new();
    private static int _next = First + Random.Shared.Next(0, End - First);

    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                var port = _next++;
                if (_next >= End)
                {
                    _next = First;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Taken: the next.
                }
            }
        }
    }
}
