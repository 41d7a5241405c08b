using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Contracts.Tickets;
using Engine.Grains.Events;
using Engine.Storage.Events;
using Engine.Storage.Tickets;

namespace Engine.Bench;

/// <summary>
/// The floor under intake: what the store alone costs per new ticket, with no gRPC, no grains and no routing. Each
/// ticket is written as intake writes it (the record, its idempotency key, its received and routed events, its reply
/// clock; a judge of one of 25 courts, half of them naming one of 5,000 cases) through the group committer onto a
/// SQLite file already holding 100,000 tickets, synced before it is acknowledged, with <see cref="InFlight"/>
/// writes waiting at a time: 64 as intake's callers keep them, or 1,024 as a saturated open loop does (every commit
/// then holds about a full batch of 1,000). The writes are made before each iteration, so the
/// figure is the store's alone; one operation is one ticket. At the end the process's CPU time per ticket while
/// writing is printed (all threads: the committer, the checkpoint thread, the callers' continuations).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 12, invocationCount: 1)]
public class StoreBenchmarks
{
    private const int PerIteration = 4_096;
    private const int Preloaded = 100_000;
    private const int Courts = 25;
    private const int JudgesPerCourt = 4;
    private const int Cases = 5_000;

    private StoreOnDisk _disk = null!;
    private TicketStore _store = null!;
    private BusinessCalendar _calendar = null!;
    private TicketIds _ids = null!;
    private Random _random = null!;
    private (TicketRecord Ticket, EventRow[] Events)[] _writes = [];
    private int _serial;
    private long _written;
    private TimeSpan _cpu;

    // 64: intake's closed loop; 1,024: batches as large as the committer makes them.
    [Params(64, 1024)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _disk = new StoreOnDisk("store");
        _store = _disk.Store;
        _calendar = SampleCalendar.Load();
        _ids = new TicketIds(TimeProvider.System);
        _random = new Random(12368);
        for (var written = 0; written < Preloaded; written += PerIteration)
        {
            Prepare();
            Write();
        }

        (_written, _cpu) = (0, TimeSpan.Zero);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// store, {InFlight} in flight: {_written:N0} tickets, process CPU {_cpu.TotalMicroseconds / Math.Max(1, _written):F0} µs per ticket while writing");
        _disk.Dispose();
    }

    [IterationSetup]
    public void Prepare() =>
        _writes = [.. Enumerable.Range(0, PerIteration).Select(_ => NewTicket()).Select(t => (t, TicketEvents.Rows(TicketAggregate.Created(t, "channel:hotline"))))];

    [Benchmark(OperationsPerInvoke = PerIteration)]
    public void Write()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var next = -1;
        Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < _writes.Length)
            {
                if (await _store.CreateAsync(_writes[i].Ticket, _writes[i].Events) is { } holder)
                {
                    throw new InvalidOperationException($"ticket {_writes[i].Ticket.TicketId}: key already held by {holder}");
                }
            }
        }))).GetAwaiter().GetResult();
        _written += _writes.Length;
        _cpu += Process.GetCurrentProcess().TotalProcessorTime - cpu;
    }

    private TicketRecord NewTicket()
    {
        var serial = ++_serial;
        var court = $"court-{_random.Next(Courts):D2}";
        var judge = new Assignee(AssigneeType.Judge, $"{court}/judge-{_random.Next(JudgesPerCourt)}", court);
        var kind = _random.Next(3) switch { 0 => TicketKind.ContactJudge, 1 => TicketKind.CaseInquiry, _ => TicketKind.Consultation };
        var at = DateTimeOffset.UtcNow;
        return new TicketRecord
        {
            TicketId = _ids.Next(),
            Version = 1,
            IdempotencyKey = Guid.NewGuid().ToString("N"),
            Channel = Channel.Hotline,
            Kind = kind,
            CourtId = court,
            CaseNumber = _random.Next(2) == 0 ? $"(2025)沪01民初{_random.Next(Cases)}号" : null,
            Caller = new CallerInfo("测试当事人", $"1380000{serial % 10_000:D4}", CallerRole.Party),
            Content = "请转告承办法官，我已补充提交证据材料，请问何时开庭？",
            State = TicketState.Dispatched,
            Mode = TicketMode.Dispatched,
            Assignee = judge,
            Routing = new RoutingInfo("presiding-judge", $"judge {judge.Id} presides over the case."),
            CreatedAt = at,
            UpdatedAt = at,
            History =
            [
                new HistoryEntry(at, "channel:hotline", "received", TicketState.Unspecified, TicketState.Received, null, null),
                new HistoryEntry(at, "engine", "dispatched", TicketState.Received, TicketState.Dispatched, "presiding-judge", judge),
            ],
            Deadlines = TicketDeadlines.None.Start(ClockCause.Received, at, DeadlinePolicy.DefaultFor(kind), _calendar),
        };
    }
}
