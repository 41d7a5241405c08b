using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>
/// The mixed workload of the nemesis runs, as adapters, judges, staff and downstream systems would drive an engine
/// while its processes fail: intake through every entry point (each submission retried with its key until it is
/// acknowledged), replies, closes and reopens, deadline steps coming due (drill policies), and two subscribers with
/// named cursors that reconnect after every break. It records what the engine acknowledged, so that the run can check
/// afterwards that nothing acknowledged was lost.
/// </summary>
public sealed class NemesisWorkload(IReadOnlyList<GrpcChannel> entries, IReadOnlyList<(string CaseNumber, string Judge)> cases)
{
    /// <summary>Answers a call may get while a process is down; anything else fails the run.</summary>
    public static readonly StatusCode[] Transient = [StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.ResourceExhausted, StatusCode.Aborted];

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Pacing, as a client would: a handler with no open ticket looks again after this, a refused call is
    /// sent again after this, a broken subscription reconnects after this. None of them waits for anything.</summary>
    private static readonly TimeSpan IdleHandler = TimeSpan.FromMilliseconds(100), RetryBackoff = TimeSpan.FromMilliseconds(200), ReconnectBackoff = TimeSpan.FromMilliseconds(300);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _next;

    /// <summary>Idempotency key → the ticket the engine acknowledged for it.</summary>
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Per ticket: the state its last acknowledged command left it in, and the state of a command sent after
    /// that whose answer never came (it may or may not have happened).</summary>
    public ConcurrentDictionary<string, TicketExpectation> Tickets { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<StatusCode, int> Answers { get; } = new();

    /// <summary>Every answer that was neither OK nor transient: the call, its code and its sentence.</summary>
    public ConcurrentQueue<string> Unexpected { get; } = new();

    /// <summary>When each call the engine refused was answered, and how long it took, in seconds: a frozen or dead silo
    /// must make calls fail fast, not at their deadline.</summary>
    public ConcurrentQueue<(double At, double Seconds)> RefusedAfter { get; } = new();

    /// <summary>When calls ran out of their own deadline unanswered (seconds since the run began): only a frozen
    /// front-end, which cannot answer at all, may leave a call so.</summary>
    public ConcurrentQueue<double> DeadlineExceededAt { get; } = new();

    /// <summary>Seconds since the run began, on the clock of the times above.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>When each write was acknowledged (seconds since the run began), for the longest stretch without one.</summary>
    public ConcurrentQueue<double> AcknowledgedAt { get; } = new();

    public ConcurrentDictionary<string, ConcurrentQueue<(int Connection, long Sequence)>> Received { get; } = new(StringComparer.Ordinal);

    public sealed class TicketExpectation(string ticketId, string judge, V1.TicketState state)
    {
        public string TicketId { get; } = ticketId;

        public string Judge { get; } = judge;

        public V1.TicketState Acknowledged { get; set; } = state;

        public V1.TicketState? Unanswered { get; set; }

        private int _claimed;

        /// <summary>One handler at a time works on a ticket, as one judge would.</summary>
        public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

        public void Release() => Volatile.Write(ref _claimed, 0);
    }

    public Task RunAsync(CancellationToken stop)
    {
        var tasks = new List<Task>();
        for (var i = 0; i < 4; i++)
        {
            var entry = entries[i % entries.Count];
            tasks.Add(Task.Run(() => SubmitLoopAsync(entry, stop), CancellationToken.None));
        }

        for (var i = 0; i < 2; i++)
        {
            var entry = entries[(i + 1) % entries.Count];
            var seed = i;
            tasks.Add(Task.Run(() => HandleLoopAsync(entry, seed, stop), CancellationToken.None));
        }

        tasks.Add(Task.Run(() => SubscribeLoopAsync("nemesis-a", entries[0], stop), CancellationToken.None));
        tasks.Add(Task.Run(() => SubscribeLoopAsync("nemesis-b", entries[^1], stop), CancellationToken.None));
        return Task.WhenAll(tasks);
    }

    /// <summary>The longest stretch (seconds) without an acknowledgment, and when it began (seconds of the run), so
    /// that it can be set beside the fault schedule.</summary>
    public (double Length, double From) LongestGap()
    {
        var times = AcknowledgedAt.Order().ToList();
        return times.Count < 2 ? (0, 0) : times.Zip(times.Skip(1), (a, b) => (b - a, a)).Max();
    }

    private async Task SubmitLoopAsync(GrpcChannel entry, CancellationToken stop)
    {
        var intake = new V1.IntakeService.IntakeServiceClient(entry);
        while (!stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _next);
            var (caseNumber, judge) = cases[n % cases.Count];
            var request = Requests.ContactJudge(caseNumber, key: $"nemesis-{n}");
            request.Caller.Phone = $"137{n:D8}";
            var answer = await RetryAsync($"SubmitTicket {request.IdempotencyKey}", () => intake.SubmitTicketAsync(request, deadline: Deadline()).ResponseAsync, untilAnswered: true, stop);
            if (answer is null)
            {
                continue;
            }

            Acknowledged[request.IdempotencyKey] = answer.Ticket.TicketId;
            Tickets.TryAdd(answer.Ticket.TicketId, new TicketExpectation(answer.Ticket.TicketId, answer.Ticket.Assignee.Id, answer.Ticket.State));
        }
    }

    /// <summary>Replies to, closes and reopens acknowledged tickets. A command whose answer never came is not sent again:
    /// the ticket is then left as it may be.</summary>
    private async Task HandleLoopAsync(GrpcChannel entry, int seed, CancellationToken stop)
    {
        var tickets = new V1.TicketService.TicketServiceClient(entry);
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            var open = Tickets.Values.Where(t => t.Unanswered is null && t.Acknowledged != V1.TicketState.Closed).ToList();
            if (open.Count == 0)
            {
                await Task.Delay(IdleHandler, CancellationToken.None);
                continue;
            }

            var ticket = open[random.Next(open.Count)];
            if (!ticket.TryClaim())
            {
                continue;
            }

            try
            {
                await HandleAsync(tickets, ticket, random, stop);
            }
            finally
            {
                ticket.Release();
            }
        }
    }

    private async Task HandleAsync(V1.TicketService.TicketServiceClient tickets, TicketExpectation ticket, Random random, CancellationToken stop)
    {
        if (ticket.Unanswered is not null || ticket.Acknowledged == V1.TicketState.Closed)
        {
            return;
        }

        (V1.TicketState Next, Func<Task<V1.TicketResponse>> Call)? command = ticket.Acknowledged switch
        {
            V1.TicketState.Dispatched or V1.TicketState.Reopened => (V1.TicketState.Replied, () => tickets.ReplyAsync(
                new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = ticket.Judge, Reply = "已答复" }, deadline: Deadline()).ResponseAsync),
            V1.TicketState.Replied => (V1.TicketState.Closed, () => tickets.CloseAsync(
                new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "staff-nemesis" }, deadline: Deadline()).ResponseAsync),
            _ => null,
        };
        if (command is not { } c)
        {
            ticket.Unanswered = ticket.Acknowledged;
            return;
        }

        ticket.Unanswered = c.Next;
        if (await RetryAsync($"{c.Next} {ticket.TicketId} (acknowledged {ticket.Acknowledged})", c.Call, untilAnswered: false, stop) is { } answered)
        {
            ticket.Acknowledged = answered.Ticket.State;
            ticket.Unanswered = null;
            if (ticket.Acknowledged == V1.TicketState.Closed && random.Next(3) == 0)
            {
                ticket.Unanswered = V1.TicketState.Reopened;
                if (await RetryAsync($"Reopen {ticket.TicketId}", () => tickets.ReopenAsync(new V1.ReopenRequest { TicketId = ticket.TicketId, Actor = "staff-nemesis", Reason = "不满意" }, deadline: Deadline()).ResponseAsync, untilAnswered: false, stop) is { } reopened)
                {
                    ticket.Acknowledged = reopened.Ticket.State;
                    ticket.Unanswered = null;
                }
            }
        }
    }

    private async Task SubscribeLoopAsync(string name, GrpcChannel entry, CancellationToken stop)
    {
        var events = new V1.EventService.EventServiceClient(entry);
        var received = Received.GetOrAdd(name, _ => new ConcurrentQueue<(int, long)>());
        for (var connection = 0; !stop.IsCancellationRequested; connection++)
        {
            try
            {
                using var call = events.Subscribe(new V1.SubscribeRequest { Subscription = name }, cancellationToken: stop);
                var sinceCommit = 0;
                while (await call.ResponseStream.MoveNext(stop))
                {
                    if (call.ResponseStream.Current.Event is not { } e)
                    {
                        continue;
                    }

                    received.Enqueue((connection, e.Sequence));
                    if (++sinceCommit >= 20)
                    {
                        sinceCommit = 0;
                        await events.CommitCursorAsync(new V1.CommitCursorRequest { Subscription = name, Sequence = e.Sequence }, deadline: Deadline(), cancellationToken: stop);
                    }
                }
            }
            catch (RpcException ex) when (!stop.IsCancellationRequested)
            {
                Count(ex.StatusCode);
                if (!Transient.Contains(ex.StatusCode))
                {
                    Unexpected.Enqueue($"{_clock.Elapsed.TotalSeconds:F0} s: Subscribe {name}: {ex.StatusCode} {ex.Status.Detail}");
                }

                await Task.Delay(ReconnectBackoff, CancellationToken.None);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Calls until answered (the same request each time: writes are idempotent), or, with
    /// <paramref name="untilAnswered"/> false, once; null when no answer came.</summary>
    private async Task<T?> RetryAsync<T>(string what, Func<Task<T>> call, bool untilAnswered, CancellationToken stop)
        where T : class
    {
        var giveUp = _clock.Elapsed + TimeSpan.FromSeconds(60);
        while (true)
        {
            var started = _clock.Elapsed;
            try
            {
                var answer = await call();
                Count(StatusCode.OK);
                AcknowledgedAt.Enqueue(_clock.Elapsed.TotalSeconds);
                return answer;
            }
            catch (RpcException ex)
            {
                Count(ex.StatusCode);
                if (ex.StatusCode == StatusCode.DeadlineExceeded)
                {
                    DeadlineExceededAt.Enqueue(_clock.Elapsed.TotalSeconds);
                }
                else
                {
                    RefusedAfter.Enqueue((_clock.Elapsed.TotalSeconds, (_clock.Elapsed - started).TotalSeconds));
                }

                if (!Transient.Contains(ex.StatusCode))
                {
                    Unexpected.Enqueue($"{_clock.Elapsed.TotalSeconds:F0} s: {what}: {ex.StatusCode} {ex.Status.Detail}");
                }

                if (!Transient.Contains(ex.StatusCode) || !untilAnswered || _clock.Elapsed > giveUp)
                {
                    return null;
                }

                await Task.Delay(RetryBackoff, CancellationToken.None);
            }
        }
    }

    private void Count(StatusCode code) => Answers.AddOrUpdate(code, 1, (_, n) => n + 1);

    private static DateTime Deadline() => DateTime.UtcNow + CallDeadline;
}
