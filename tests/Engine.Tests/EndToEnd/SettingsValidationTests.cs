using Engine.Frontend;
using Engine.Silo;
using Engine.Tests.Support;

namespace Engine.Tests.EndToEnd;

/// <summary>Both hosts refuse to start on a bad setting, with one line naming its full key and what it may be,
/// instead of starting and then hanging or spinning on it. One setting of each options class shows that its validator
/// runs at start; SettingsValidatorTests covers every range.</summary>
public sealed class SettingsValidationTests
{
    private const string Invalid = "the configuration is not valid: ";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--Engine:Storage:MaxBatchSize=0", "Engine:Storage:MaxBatchSize must be between 1 and 100000 (it is 0)")]
    [InlineData("--Engine:Storage:ConnectionString=Host=db", "Engine:Storage:ConnectionString is set but Engine:Storage:Provider is sqlite, which ignores it: set the provider to postgres, or remove the connection string")]
    [InlineData("--Engine:ClusterId=", "Engine:ClusterId must not be empty")]
    [InlineData("--Engine:Events:BatchSize=0", "Engine:Events:BatchSize must be between 1 and 5000 (it is 0)")]
    [InlineData("--Engine:Events:HeartbeatInterval=00:01:00", "Engine:Events:HeartbeatInterval must be between 00:00:00.1 and 00:00:25 (it is 00:01:00)")]
    [InlineData("--Engine:Events:Retention:SubscriptionMaxLag=-1", "Engine:Events:Retention:SubscriptionMaxLag must be at least 0 (it is -1)")]
    [InlineData("--Engine:Tickets:CallbackShare=1.5", "Engine:Tickets:CallbackShare must be between 0 and 1 (it is 1.5)")]
    [InlineData("--Engine:Security:Lookup:PerPhonePerMinute=0", "Engine:Security:Lookup:PerPhonePerMinute must be at least 1 (it is 0)")]
    public async Task The_engine_refuses_to_start_on_a_bad_setting_naming_it_and_its_range(string setting, string failure)
    {
        using var data = new TempDirectory();

        var reason = await EngineStartFailureAsync([.. EngineProcess.Args(FreePorts.Next(), data.Path), setting]);

        Assert.Equal(Invalid + failure, reason);
    }

    [Fact]
    public async Task Two_port_settings_on_one_port_stop_the_engine_before_anything_listens()
    {
        using var data = new TempDirectory();
        var port = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var reason = await EngineStartFailureAsync([.. EngineProcess.Args(FreePorts.Next(), data.Path), "--silo-port", port, "--gateway-port", port]);

        Assert.Equal($"{Invalid}Engine:GatewayPort must differ from Engine:SiloPort (both are {port})", reason);
    }

    [Fact]
    public async Task Bad_settings_in_several_sections_are_all_named_on_one_line()
    {
        using var data = new TempDirectory();

        var reason = await EngineStartFailureAsync([.. EngineProcess.Args(FreePorts.Next(), data.Path), "--Engine:Events:BatchSize=0", "--Engine:Tickets:LookupMaxFailures=0"]);

        Assert.StartsWith(Invalid, reason, StringComparison.Ordinal);
        Assert.Contains("Engine:Events:BatchSize must be between 1 and 5000 (it is 0)", reason, StringComparison.Ordinal);
        Assert.Contains("Engine:Tickets:LookupMaxFailures must be at least 1 (it is 0)", reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason);
    }

    [Theory]
    [InlineData("--Frontend:ClusterId=", "Frontend:ClusterId must not be empty")]
    [InlineData("--Frontend:Gateways:0=silo-1", "Frontend:Gateways:0 'silo-1' is not an address:port such as 127.0.0.1:30000")]
    [InlineData("--Frontend:Events:BatchSize=0", "Frontend:Events:BatchSize must be between 1 and 5000 (it is 0)")]
    [InlineData("--Frontend:Security:MaxConcurrentCalls=0", "Frontend:Security:MaxConcurrentCalls must be at least 1 (it is 0)")]
    public async Task The_front_end_refuses_to_start_on_a_bad_setting_naming_it_and_its_range(string setting, string failure)
    {
        var reason = await FrontendStartFailureAsync(["--grpc", $"127.0.0.1:{FreePorts.Next()}", setting]);

        Assert.Equal(Invalid + failure, reason);
    }

    [Fact]
    public async Task A_setting_that_is_not_a_number_is_named_by_the_front_end_too()
    {
        var reason = await FrontendStartFailureAsync(["--grpc", $"127.0.0.1:{FreePorts.Next()}", "--Frontend:Events:BatchSize=lots"]);

        Assert.Contains("'Frontend:Events:BatchSize'", reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason);
    }

    [Fact]
    public async Task An_engine_process_with_a_batch_size_of_zero_prints_one_line_and_exits_with_status_one()
    {
        using var data = new TempDirectory();
        using var engine = EngineProcess.Start([.. EngineProcess.Args(FreePorts.Next(), data.Path), "--Engine:Storage:MaxBatchSize=0"]);

        Assert.Equal(1, await engine.WaitForExitAsync(ExitTimeout));

        var line = Assert.Single(engine.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"engine: {Invalid}Engine:Storage:MaxBatchSize must be between 1 and 100000 (it is 0)", line);
    }

    [Fact]
    public async Task A_front_end_process_with_a_long_heartbeat_prints_one_line_and_exits_with_status_one()
    {
        using var frontend = EngineProcess.StartFrontend("--grpc", $"127.0.0.1:{FreePorts.Next()}", "--Frontend:Events:HeartbeatInterval=00:01:00");

        Assert.Equal(1, await frontend.WaitForExitAsync(ExitTimeout));

        var line = Assert.Single(frontend.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"frontend: {Invalid}Frontend:Events:HeartbeatInterval must be between 00:00:00.1 and 00:00:25 (it is 00:01:00)", line);
    }

    /// <summary>Builds and starts the engine as its Program does, and answers the line it would print.</summary>
    private static async Task<string> EngineStartFailureAsync(string[] args)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = EngineHost.Build(args);
            await EngineHost.StartAsync(app);
        });
        return EngineHost.Explain(ex) ?? throw new Xunit.Sdk.XunitException($"not explained: {ex}");
    }

    private static async Task<string> FrontendStartFailureAsync(string[] args)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = FrontendHost.Build(args);
            await app.StartAsync();
        });
        return FrontendHost.Explain(ex) ?? throw new Xunit.Sdk.XunitException($"not explained: {ex}");
    }
}
