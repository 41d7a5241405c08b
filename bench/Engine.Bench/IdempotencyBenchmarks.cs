using BenchmarkDotNet.Attributes;
using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Tickets;

namespace Engine.Bench;

/// <summary>
/// The idempotency-key look-up every submission starts with (a retry must find its first ticket): a hit and a miss
/// on a SQLite file holding 200,000 tickets and their keys, through the engine's store.
/// </summary>
[MemoryDiagnoser]
public class IdempotencyBenchmarks
{
    private const int Tickets = 200_000;
    private StoreOnDisk _disk = null!;
    private TicketStore _store = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _disk = new StoreOnDisk("idempotency");
        _store = _disk.Store;
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
    public void Cleanup() => _disk.Dispose();

    [Benchmark]
    public string? KnownKey() => _store.FindByIdempotencyKey(Channel.Web, Key(_next++ % Tickets));

    [Benchmark]
    public string? NewKey() => _store.FindByIdempotencyKey(Channel.Web, "new-" + _next++);

    private static string Key(int i) => $"key-{i:D8}";
}
