using Engine.Grains.Deadlines;
using Engine.Silo;
using Engine.Storage.Databases;
using Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Engine.Tests.StorageTests;

/// <summary>Decision 75: what a silo on PostgreSQL connects with. A bounded pool for the data, a pool of its own for
/// Orleans' membership, and no more wakes in flight than the data's pool has connections: a cluster's first calendar
/// sweep woke every judge at once, and a silo whose turns waited for connections missed its probes and was declared
/// dead.</summary>
public sealed class PostgresPoolTests
{
    [Theory]
    [InlineData("Host=db;Database=engine", StorageOptions.DefaultMaxPoolSize)]
    [InlineData("Host=db;Database=engine;Maximum Pool Size=50", 50)]
    [InlineData("Host=db;Database=engine;MaxPoolSize=7", 7)]
    public void The_data_s_pool_keeps_at_most_twenty_connections_unless_the_connection_string_says_otherwise(string given, int connections)
    {
        var storage = new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = given };

        Assert.Equal(connections, new NpgsqlConnectionStringBuilder(storage.PostgresConnectionString).MaxPoolSize);
        Assert.Equal(connections, storage.PostgresMaxPoolSize);
    }

    [Fact]
    public void Membership_and_reminders_connect_through_a_small_pool_of_their_own()
    {
        var storage = new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = "Host=db;Database=engine;Application Name=court-a;Minimum Pool Size=10;Maximum Pool Size=40" };

        var data = new NpgsqlConnectionStringBuilder(storage.PostgresConnectionString);
        var membership = new NpgsqlConnectionStringBuilder(storage.PostgresMembershipConnectionString);

        // Npgsql keeps one pool per connection string: another application name is another pool.
        Assert.NotEqual(storage.PostgresConnectionString, storage.PostgresMembershipConnectionString);
        Assert.Equal("court-a", data.ApplicationName);
        Assert.Equal("court-a membership", membership.ApplicationName);
        Assert.Equal(StorageOptions.MembershipPoolSize, membership.MaxPoolSize);
        Assert.Equal(StorageOptions.MembershipPoolSize, membership.MinPoolSize);
        Assert.Equal((data.Host, data.Database, data.Timeout, data.Options), (membership.Host, membership.Database, membership.Timeout, membership.Options));
    }

    [Theory]
    [InlineData(null, StorageOptions.DefaultMaxPoolSize)]
    [InlineData("--Engine:Deadlines:MaxWakesPerSilo=64", 64)]
    public async Task On_PostgreSQL_a_silo_keeps_no_more_wakes_in_flight_than_its_pool_has_connections_unless_told(string? setting, int wakes)
    {
        using var data = new TempDirectory();
        string[] args = [.. EngineProcess.Args(FreePorts.Next(), data.Path), "--storage", "postgres", "--connection", PostgresServer.Shared.CreateDatabase()];

        await using var app = EngineHost.Build(setting is null ? args : [.. args, setting]);

        Assert.Equal(wakes, app.Services.GetRequiredService<IOptions<DeadlineOptions>>().Value.MaxWakesPerSilo);
    }

    [Fact]
    public async Task On_SQLite_a_silo_keeps_its_wake_bound_of_512()
    {
        using var data = new TempDirectory();

        await using var app = EngineHost.Build(EngineProcess.Args(FreePorts.Next(), data.Path));

        Assert.Equal(512, app.Services.GetRequiredService<IOptions<DeadlineOptions>>().Value.MaxWakesPerSilo);
    }
}
