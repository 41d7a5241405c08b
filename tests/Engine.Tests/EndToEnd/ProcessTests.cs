using Engine.Tests.Support;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Engine.Tests.EndToEnd;

/// <summary>The engine as an operator runs it: a child process, its exit codes and its one-line errors.</summary>
public sealed class ProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SIGTERM_stops_the_engine_cleanly_with_exit_code_zero()
    {
        using var data = new TempDirectory();
        var grpc = FreePorts.Next();
        using var engine = EngineProcess.Start(EngineProcess.Args(grpc, data.Path));
        await engine.WaitUntilStartedAsync(StartTimeout);
        using (var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}"))
        {
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }

        engine.Terminate();

        Assert.Equal(0, await engine.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_taken_port_is_one_line_on_stderr_and_exit_code_one()
    {
        using var data = new TempDirectory();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        using var engine = EngineProcess.Start(EngineProcess.Args(port, data.Path));

        Assert.Equal(1, await engine.WaitForExitAsync(StartTimeout));

        var line = Assert.Single(engine.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("engine: ", line, StringComparison.Ordinal);
        Assert.Contains("already in use", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unwritable_data_directory_is_one_line_on_stderr_and_exit_code_one()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");
        using var engine = EngineProcess.Start(EngineProcess.Args(FreePorts.Next(), Path.Combine(file, "data")));

        Assert.Equal(1, await engine.WaitForExitAsync(StartTimeout));

        var line = Assert.Single(engine.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("not writable", line, StringComparison.Ordinal);
    }

}
