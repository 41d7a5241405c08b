using Engine.Silo;
using Engine.Tests.Support;
using Npgsql;

namespace Engine.Tests.EndToEnd;

/// <summary>Cluster-mode start-up against a wrong or unreachable PostgreSQL: it stops with one line naming the
/// problem, never the password.</summary>
public sealed class PostgresHostTests
{
    private const string FakePassword = "not-the-password-42";

    [Fact]
    public async Task An_unreachable_database_fails_start_up_naming_where_it_looked()
    {
        var port = FreePorts.Next();
        var reason = await StartUpFailureAsync($"Host=127.0.0.1;Port={port};Database=engine;Username=engine;Password={FakePassword}");

        Assert.Contains("database", reason, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_fails_start_up_saying_so()
    {
        var connection = new NpgsqlConnectionStringBuilder(PostgresServer.Shared.ConnectionString) { Password = FakePassword }.ConnectionString;

        var reason = await StartUpFailureAsync(connection);

        Assert.Contains("password authentication failed", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_connection_string_fails_start_up_naming_the_setting()
    {
        var reason = await StartUpFailureAsync("Hots=127.0.0.1;Prot=5432");

        Assert.Contains("Engine:Storage:ConnectionString", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_fails_start_up_naming_the_setting()
    {
        var reason = await StartUpFailureAsync(connectionString: null);

        Assert.Contains("Engine:Storage:ConnectionString", reason, StringComparison.Ordinal);
    }

    private static async Task<string> StartUpFailureAsync(string? connectionString)
    {
        using var data = new TempDirectory();
        string[] args =
        [
            .. EngineProcess.Args(FreePorts.Next(), data.Path),
            "--storage", "postgres",
            .. connectionString is null ? Array.Empty<string>() : ["--connection", connectionString],
        ];

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = EngineHost.Build(args);
            await EngineHost.StartAsync(app);
        });
        var reason = EngineHost.Explain(ex);

        Assert.NotNull(reason);
        Assert.DoesNotContain('\n', reason);
        Assert.DoesNotContain(FakePassword, reason, StringComparison.Ordinal);
        return reason;
    }
}
