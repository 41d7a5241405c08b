using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Storage.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace Engine.Load;

/// <summary>Open tickets written straight into the engine's store (its own row format and group commit), with the
/// engine stopped: what the deadline and timer runs start from.</summary>
internal sealed class SeedTickets : IAsyncDisposable, IDisposable
{
    private readonly ServiceProvider _services;
    private readonly TicketStore _store;
    private readonly SemaphoreSlim _gate = new(2000);
    private readonly List<Task> _writes = [];

    public SeedTickets(Database database, StorageOptions storage)
    {
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        _store = new TicketStore(database, Options.Create(storage), _services.GetRequiredService<Serializer<TicketRecord>>(), new EventNotifier(TimeProvider.System), NullLogger<TicketStore>.Instance);
    }

    public TicketIds Ids { get; } = new(TimeProvider.System);

    /// <summary>A contact-judge ticket dispatched to the judge <paramref name="judgeId"/> of <paramref name="court"/> at
    /// <paramref name="created"/>, its clock <paramref name="clock"/>; <paramref name="n"/> varies the caller's phone.</summary>
    public static TicketRecord Dispatched(string id, string judgeId, string court, int n, DateTimeOffset created, DeadlineClock clock) => Dispatched(
        id, new Assignee(AssigneeType.Judge, judgeId, court), court, n, created, clock);

    private static TicketRecord Dispatched(string id, Assignee judge, string court, int n, DateTimeOffset created, DeadlineClock clock) => new()
    {
        TicketId = id,
        Version = 1,
        IdempotencyKey = "seed-" + id,
        Channel = Channel.Hotline,
        Kind = TicketKind.ContactJudge,
        SubKind = TicketSubKind.ContactProgressInquiry,
        CourtId = court,
        CaseNumber = null,
        Caller = new CallerInfo("测试当事人", $"138{n % 100_000_000:D8}", CallerRole.Party),
        Content = "请问案件进展如何？",
        State = TicketState.Dispatched,
        Mode = TicketMode.Dispatched,
        Assignee = judge,
        Routing = new RoutingInfo("seed", "seeded by the load tool"),
        CreatedAt = created,
        UpdatedAt = created,
        History = [new HistoryEntry(created, "seed", "dispatched", TicketState.Received, TicketState.Dispatched, null, judge)],
        Deadlines = new TicketDeadlines(clock, [], []),
    };

    /// <summary>Queues the ticket's write, waiting while 2,000 are in flight (the committer batches them).</summary>
    public async Task AddAsync(TicketRecord ticket)
    {
        await _gate.WaitAsync();
        _writes.Add(WriteAsync(ticket));
    }

    /// <summary>Waits for every write queued.</summary>
    public Task FlushAsync() => Task.WhenAll(_writes);

    public async ValueTask DisposeAsync()
    {
        await FlushAsync();
        Dispose();
    }

    public void Dispose()
    {
        _store.Dispose();
        _services.Dispose();
        _gate.Dispose();
    }

    private async Task WriteAsync(TicketRecord ticket)
    {
        try
        {
            await _store.CreateAsync(ticket, []);
        }
        finally
        {
            _gate.Release();
        }
    }
}
