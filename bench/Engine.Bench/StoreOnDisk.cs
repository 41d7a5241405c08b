using Engine.Contracts;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Storage.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace Engine.Bench;

/// <summary>The engine's ticket store on a new SQLite file in a directory of its own, removed on dispose.</summary>
internal sealed class StoreOnDisk : IDisposable
{
    private readonly string _directory;
    private readonly ServiceProvider _services;

    public StoreOnDisk(string name)
    {
        _directory = Path.Combine(Path.GetTempPath(), $"engine-bench-{name}-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        var storage = new StorageOptions { DataDirectory = _directory };
        var database = Database.Create(storage);
        Schema.Apply(database);
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        Store = new TicketStore(database, Options.Create(storage), _services.GetRequiredService<Serializer<TicketRecord>>(), new EventNotifier(TimeProvider.System), NullLogger<TicketStore>.Instance);
    }

    public TicketStore Store { get; }

    public void Dispose()
    {
        Store.Dispose();
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
