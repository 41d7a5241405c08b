using BenchmarkDotNet.Attributes;
using Engine.Contracts;
using Engine.Domain;
using Engine.Grains.Events;
using Engine.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace Engine.Bench;

/// <summary>
/// The idempotency-key look-up every submission starts with (a retry must find its first ticket): a hit and a miss
/// on a SQLite file holding 200,000 tickets and their keys, through the engine's store.
/// </summary>
[MemoryDiagnoser]
public class IdempotencyBenchmarks
{
    private const int Tickets = 200_000;
    private string _directory = null!;
    private ServiceProvider _services = null!;
    private TicketStore _store = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "engine-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        var storage = new StorageOptions { DataDirectory = _directory };
        var database = Database.Create(storage);
        Schema.Apply(database);
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        _store = new TicketStore(database, Options.Create(storage), _services.GetRequiredService<Serializer<TicketRecord>>(), new EventNotifier(TimeProvider.System), NullLogger<TicketStore>.Instance);
        var ids = new TicketIds(TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        Task.WhenAll(Enumerable.Range(0, Tickets).Select(i => _store.CreateAsync(
            new TicketRecord
            {
                TicketId = ids.Next(),
                Version = 1,
                IdempotencyKey = Key(i),
                Channel = Channel.Web,
                Kind = TicketKind.Consultation,
                Caller = new CallerInfo("测试当事人", "13800000001", CallerRole.Party),
                Content = "请问如何申请网上立案？",
                State = TicketState.Received,
                Assignee = Assignee.Triage,
                Routing = new RoutingInfo("triage", "bench"),
                CreatedAt = now,
                UpdatedAt = now,
            },
            []))).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public async Task<string?> KnownKey() => await _store.FindByIdempotencyKeyAsync(Channel.Web, Key(_next++ % Tickets));

    [Benchmark]
    public async Task<string?> NewKey() => await _store.FindByIdempotencyKeyAsync(Channel.Web, "new-" + _next++);

    private static string Key(int i) => $"key-{i:D8}";
}
