using Engine.Api;
using Engine.Storage.Databases;
using Engine.Silo;
using Engine.Tests.Support;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Data.Sqlite;

namespace Engine.Tests.EndToEnd;

public sealed class HostTests
{
    [Fact]
    public async Task The_engine_reports_serving_lists_its_services_and_serves_the_dashboard_over_http1()
    {
        await using var engine = await EngineInstance.StartAsync();

        var health = await new Health.HealthClient(engine.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var intakeHealth = await new Health.HealthClient(engine.Channel).CheckAsync(new HealthCheckRequest { Service = "engine.v1.IntakeService" });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, intakeHealth.Status);

        using var reflection = new ServerReflection.ServerReflectionClient(engine.Channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        foreach (var name in new[] { "engine.v1.IntakeService", "engine.v1.TicketService", "engine.v1.CaseService", "engine.v1.DirectoryService", "engine.v1.EventService", "engine.v1.StatsService", "engine.v1.AccessService", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection" })
        {
            Assert.Contains(name, services);
        }

        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version11 };
        using var page = await http.GetAsync(new Uri($"http://127.0.0.1:{engine.DashboardPort}/dashboard/"));
        Assert.True(page.IsSuccessStatusCode, $"dashboard answered {page.StatusCode}");
    }

    [Fact]
    public async Task A_second_start_on_the_same_file_works_and_the_schema_version_is_recorded()
    {
        using var data = new TempDirectory();
        await using (var first = await EngineInstance.StartAsync(data.Path))
        {
        }

        await using var second = await EngineInstance.StartAsync(data.Path);
        using var connection = new SqliteConnection($"Data Source={second.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Assert.Equal(Schema.LatestVersion("sqlite"), Schema.CurrentVersion(connection));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM engine_schema;";
        Assert.Equal((long)Schema.Scripts("sqlite").Count, (long)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task A_taken_port_fails_start_up_with_a_one_line_reason()
    {
        await using var running = await EngineInstance.StartAsync();
        using var data = new TempDirectory();
        var args = new[] { "--grpc", $"127.0.0.1:{running.GrpcPort}", "--dashboard", string.Empty, "--silo-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--gateway-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data.Path };

        var app = EngineHost.Build(args);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => EngineHost.StartAsync(app));
        var reason = EngineHost.Explain(ex);

        Assert.NotNull(reason);
        Assert.Contains("already in use", reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason);
        await app.DisposeAsync();
    }

    [Theory]
    [InlineData("--Engine:Deadlines:Kinds:ContactJudge:Reply=3 fortnights", "Engine:Deadlines:Kinds:ContactJudge:Reply")]
    [InlineData("--Engine:Deadlines:Courts:sh-pudong:WorkingHours:0=8.30-12", "Engine:Deadlines:Courts:sh-pudong:WorkingHours:0")]
    [InlineData("--Engine:Deadlines:TimeZone=Mars/Olympus", "Engine:Deadlines:TimeZone")]
    [InlineData("--Engine:Deadlines:All:WarningShare=1.5", "Engine:Deadlines:All:WarningShare")]
    [InlineData("--Engine:Deadlines:CalendarFiles:0=/nonexistent/calendar-cn-2027.json", "Engine:Deadlines:CalendarFiles")]
    public async Task A_bad_deadline_setting_fails_start_up_naming_the_setting(string setting, string named)
    {
        using var data = new TempDirectory();
        var app = EngineHost.Build([.. EngineProcess.Args(FreePorts.Next(), data.Path), setting]);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => EngineHost.StartAsync(app));
        var reason = EngineHost.Explain(ex);

        Assert.NotNull(reason);
        Assert.Contains(named, reason, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public void A_data_directory_that_cannot_be_written_fails_start_up_with_a_reason()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "a-file");
        File.WriteAllText(file, "not a directory");

        var ex = Assert.Throws<StartupException>(() => EngineHost.Build(["--data", Path.Combine(file, "data")]));

        Assert.Contains("not writable", ex.Message, StringComparison.Ordinal);
    }
}
