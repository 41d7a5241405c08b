using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Databases;
using Engine.Storage.Tickets;
using Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;

namespace Engine.Tests.StorageTests;

/// <summary>A <see cref="TicketStore"/> on a fresh, migrated database: a SQLite file in its own temporary directory,
/// or a new database on the test run's private PostgreSQL.</summary>
internal sealed class StoreUnderTest : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _services;

    /// <param name="restartPages">SQLite only: <see cref="StorageOptions.CheckpointRestartPages"/>.</param>
    /// <param name="dataDirectory">SQLite only: where the files go (default: a directory of its own under /tmp).</param>
    /// <param name="logger">The store's logger (default: none).</param>
    public StoreUnderTest(StorageProvider provider = StorageProvider.Sqlite, int restartPages = 16_384, string? dataDirectory = null, ILogger<TicketStore>? logger = null)
    {
        Settings = provider == StorageProvider.Sqlite
            ? new StorageOptions { DataDirectory = dataDirectory ?? _directory.Path, CheckpointRestartPages = restartPages }
            : new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = PostgresServer.Shared.CreateDatabase() };
        Database = Database.Create(Settings);
        Schema.Apply(Database);
        StatsDatabase = Database.CreateStats(Settings, Database);
        if (StatsDatabase != Database)
        {
            Schema.Apply(StatsDatabase);
        }

        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        Store = new TicketStore(
            Database,
            Microsoft.Extensions.Options.Options.Create(Settings),
            _services.GetRequiredService<Serializer<TicketRecord>>(),
            Notifier,
            logger ?? NullLogger<TicketStore>.Instance);
    }

    public StorageOptions Settings { get; }

    public Database Database { get; }

    /// <summary>Where the statistics live: a file of their own on SQLite, the same database on PostgreSQL.</summary>
    public Database StatsDatabase { get; }

    public Engine.Storage.Events.EventNotifier Notifier { get; } = new(TimeProvider.System);

    public TicketStore Store { get; }

    /// <summary>Ticket ids on a clock that moves a millisecond per id, so ids sort in the order they are made.</summary>
    public TicketIds Ids { get; } = new(new FakeTimeProvider(TestTickets.Created) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) });

    public long Scalar(string sql) => Scalar(Database, sql);

    public static long Scalar(Database database, string sql)
    {
        using var connection = database.Open();
        using var command = connection.Command(sql);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        Store.Dispose();
        _services.Dispose();
        _directory.Dispose();
    }
}
