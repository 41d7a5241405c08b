using Engine.Contracts;
using Engine.Domain;
using Engine.Grains.Storage;
using Engine.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;

namespace Engine.Tests.StorageTests;

/// <summary>A <see cref="SqliteTicketStore"/> on a fresh, migrated SQLite file in its own temporary directory.</summary>
internal sealed class StoreUnderTest : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _services;

    public StoreUnderTest()
    {
        Settings = new StorageOptions { DataDirectory = _directory.Path };
        SqliteSchema.Apply(Settings.ConnectionString);
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        Store = new SqliteTicketStore(
            Microsoft.Extensions.Options.Options.Create(Settings),
            _services.GetRequiredService<Serializer<TicketRecord>>(),
            Notifier,
            NullLogger<SqliteTicketStore>.Instance);
    }

    public StorageOptions Settings { get; }

    public Engine.Grains.Events.EventNotifier Notifier { get; } = new(TimeProvider.System);

    public SqliteTicketStore Store { get; }

    /// <summary>Ticket ids on a clock that moves a millisecond per id, so ids sort in the order they are made.</summary>
    public TicketIds Ids { get; } = new(new FakeTimeProvider(TestTickets.Created) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) });

    public long Scalar(string sql)
    {
        using var connection = new SqliteConnection(Settings.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        Store.Dispose();
        _services.Dispose();
        _directory.Dispose();
    }
}
