using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Load;

/// <summary>
/// Intake load (issue "Fast, and proven fast"): the white paper's mix submitted as channel adapters do, open loop
/// (fixed arrival rate; latency from the moment each call was due to be sent, so a stall counts against every call
/// it delayed: no coordinated omission) or closed loop (fixed concurrency). In the same run, the same client calls
/// the engine's gRPC health check the same way, so every figure is also a ratio to what gRPC alone does here.
/// Retries resend a call with its idempotency key and must get the same ticket; afterwards every acknowledged
/// ticket is read back. A run that loses a ticket or makes two of one key fails (exit 2).
/// </summary>
internal static class IntakeRun
{
    /// <param name="flow">The full flow: each ticket is also handled to its close (answered on the spot, or replied by
    /// its handler and closed), callback tickets are recorded as they appear, and subscribers read the event stream
    /// throughout (their commit-to-subscriber lag is reported).</param>
    public static async Task<int> RunAsync(IntakeSettings settings, bool flow = false)
    {
        var report = new Dictionary<string, object>
        {
            ["machine"] = Machine.Facts(), ["scenario"] = flow ? "flow" : "intake", ["mode"] = settings.Mode, ["rate"] = settings.Rate, ["concurrency"] = settings.Concurrency,
            ["connections"] = settings.Connections, ["extraCourts"] = settings.ExtraCourts, ["warmupSeconds"] = settings.WarmupSeconds,
            ["durationSeconds"] = settings.DurationSeconds, ["retryRate"] = settings.RetryRate,
        };

        EngineChild? own = null;
        var target = settings.Target;
        if (target is null)
        {
            var data = settings.Data ?? Path.Combine(Path.GetTempPath(), "engine-load-" + Guid.NewGuid().ToString("N")[..8]);
            own = new EngineChild(data, []);
            await own.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
            target = $"http://127.0.0.1:{own.GrpcPort}";
            report["engine"] = $"child process on {data}";
        }

        try
        {
            var measured = await MeasureAsync(settings, flow, target, own, report);
            PrintTable(flow ? "flow (submit to close)" : "SubmitTicket", measured);
            var file = settings.Report;
            await File.WriteAllTextAsync(file, RunOptions.Report(report));
            Console.WriteLine($"report: {Path.GetFullPath(file)}");
            return measured.Failed ? 2 : 0;
        }
        finally
        {
            if (own is not null)
            {
                await own.StopAsync();
                own.Dispose();
            }
        }
    }

    /// <summary>What one intake phase measured: the baseline and the intake, the engine's CPU per acknowledged ticket
    /// (when it is the run's own child), and whether every acknowledged ticket was read back.</summary>
    internal sealed record Measurement(
        Driver.Result Baseline, Driver.Result Intake, double Ratio, double? EngineCpuMicrosecondsPerTicket, int Acknowledged, long Lost, long KeyConflicts, long? LongTurns)
    {
        public bool Failed => Lost > 0 || KeyConflicts > 0;
    }

    /// <summary>Prepares the directory and cases, runs the baseline and the intake phase against <paramref name="target"/>,
    /// reads every acknowledged ticket back, and adds what it measured to <paramref name="report"/>.</summary>
    internal static async Task<Measurement> MeasureAsync(IntakeSettings settings, bool flow, string target, EngineChild? own, Dictionary<string, object> report)
    {
        var (mode, rate, concurrency, connections) = (settings.Mode, settings.Rate, settings.Concurrency, settings.Connections);
        var warmup = TimeSpan.FromSeconds(settings.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(settings.DurationSeconds);
        var apiKey = V1.ApiKeyCredentials.Resolve(settings.ApiKey);
        var channels = Enumerable.Range(0, connections).Select(_ => GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            Credentials = apiKey is null ? null : ChannelCredentials.Create(
                target.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? new SslCredentials() : ChannelCredentials.Insecure, V1.ApiKeyCredentials.For(apiKey)),
            UnsafeUseInsecureChannelCallCredentials = apiKey is not null,
        })).ToArray();
        var workload = await PrepareAsync(channels[0], settings.Cases, settings.JudgesPerDivision, settings.ExtraCourts, settings.RepeatCallers);

        Console.WriteLine($"baseline: gRPC health check, {Describe(mode, rate, concurrency)}");
        var baseline = await Driver.RunAsync(mode, rate, concurrency, warmup, duration / 2, channels, async channel =>
        {
            await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            return null;
        });
        report["baseline"] = baseline.Summary();

        Console.WriteLine($"{(flow ? "flow: SubmitTicket then handled to the close" : "intake: SubmitTicket")}, {Describe(mode, rate, concurrency)}");
        using var stopSide = new CancellationTokenSource();
        var subscribers = flow ? Enumerable.Range(0, settings.Subscribers).Select(_ => Subscriber.Start(channels[0], stopSide.Token)).ToArray() : [];
        var callbacks = flow ? Task.Run(() => RecordCallbacksAsync(channels[0], workload.Courts, stopSide.Token)) : Task.FromResult(0L);
        var acknowledged = new ConcurrentDictionary<(V1.Channel, string), string>();
        var keyConflicts = 0L;
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        var cpuBefore = own?.CpuTime;
        var turnsBefore = own?.LongTurns;
        var intake = await Driver.RunAsync(mode, rate, concurrency, warmup, duration, channels, async channel =>
        {
            var client = new V1.IntakeService.IntakeServiceClient(channel);
            var request = workload.Next();
            var ticket = (await client.SubmitTicketAsync(request)).Ticket;
            acknowledged[(request.Channel, request.IdempotencyKey)] = ticket.TicketId;
            if (random.Value!.NextDouble() < settings.RetryRate)
            {
                var again = await client.SubmitTicketAsync(request);
                if (again.Ticket.TicketId != ticket.TicketId || !again.Deduplicated)
                {
                    Interlocked.Increment(ref keyConflicts);
                }
            }

            if (flow)
            {
                await HandleAsync(channel, ticket);
            }

            return ticket.TicketId;
        });
        await stopSide.CancelAsync();
        report["intake"] = intake.Summary();

        // The engine's own CPU over the whole phase (warm-up included) per ticket it acknowledged meanwhile: what a
        // durable ticket costs, whatever the machine's speed or the generator's share of it.
        double? perTicket = null;
        if (own is not null && cpuBefore is { } before && !acknowledged.IsEmpty)
        {
            perTicket = Math.Round((own.CpuTime - before).TotalMicroseconds / acknowledged.Count, 1);
            report["engineCpuMicrosecondsPerTicket"] = perTicket;
            Console.WriteLine($"engine CPU per acknowledged ticket: {perTicket:F0} µs");
        }

        long? longTurns = own is not null && turnsBefore is { } turns ? own.LongTurns - turns : null;
        if (longTurns is { } counted)
        {
            report["longGrainTurns"] = counted;
        }

        if (flow)
        {
            report["callbacksRecorded"] = await callbacks;
            report["subscribers"] = subscribers.Select(x => x.Summary()).ToArray();
        }

        // Open loop runs both at the set rate: then the comparison is of latencies, not of rates.
        var ratio = mode == "open" || baseline.Throughput == 0 ? double.NaN : intake.Throughput / baseline.Throughput;
        report["ratioToBaseline"] = ratio;

        Console.WriteLine($"verifying {acknowledged.Count:N0} acknowledged tickets");
        var lost = await VerifyAsync(channels[0], acknowledged);
        report["acknowledged"] = acknowledged.Count;
        report["lost"] = lost;
        report["keyConflicts"] = keyConflicts;
        if (lost > 0 || keyConflicts > 0)
        {
            Console.Error.WriteLine($"FAILED: {lost} acknowledged tickets cannot be read back, {keyConflicts} retries got another ticket");
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        return new Measurement(baseline, intake, ratio, perTicket, acknowledged.Count, lost, keyConflicts, longTurns);
    }

    /// <summary>Handles a new ticket to its close as the platform and the judge would.</summary>
    private static async Task HandleAsync(GrpcChannel channel, V1.Ticket ticket)
    {
        var tickets = new V1.TicketService.TicketServiceClient(channel);
        switch (ticket.State)
        {
            case V1.TicketState.Received:
                await tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = ticket.TicketId, StaffId = "staff-load", Answer = "已当场解答。" });
                break;
            case V1.TicketState.Dispatched:
                var handler = ticket.Assignee.Type == V1.AssigneeType.Judge ? ticket.Assignee.Id : "handler-load";
                await tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticket.TicketId, Actor = handler, Reply = "已答复：案件正在审理中。" });
                await tickets.CloseAsync(new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "staff-load" });
                break;
        }
    }

    /// <summary>The sub-platforms call back: every second, every new callback ticket of every court is recorded.</summary>
    private static async Task<long> RecordCallbacksAsync(GrpcChannel channel, IReadOnlyList<string> courts, CancellationToken stop)
    {
        var tickets = new V1.TicketService.TicketServiceClient(channel);
        long recorded = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (var court in courts)
            {
                var page = await tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = court, Kind = V1.TicketKind.Callback, State = V1.TicketState.Received, PageSize = 200 }, cancellationToken: CancellationToken.None);
                foreach (var callback in page.Tickets)
                {
                    await tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
                    {
                        TicketId = callback.TicketId, Actor = "staff-load",
                        ServiceSatisfaction = V1.Satisfaction.Satisfied, ResultSatisfaction = V1.Satisfaction.BasicallySatisfied,
                    }, cancellationToken: CancellationToken.None);
                    recorded++;
                }
            }

            try
            {
                await Task.Delay(1000, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return recorded;
    }

    private static string Describe(string mode, int rate, int concurrency) =>
        mode == "open" ? $"open loop at {rate}/s" : $"closed loop, {concurrency} in flight";

    /// <summary>The directory (sample and generated courts, made-up judges) and the case set the workload refers to.</summary>
    private static async Task<Workload> PrepareAsync(GrpcChannel channel, int cases, int judges, int extraCourts, double repeatCallers)
    {
        var sample = await File.ReadAllTextAsync(Samples.File("shanghai-courts.json"));
        var workload = new Workload(Samples.Courts(), judges, cases, repeatCallers, extraCourts);
        var directory = new V1.DirectoryService.DirectoryServiceClient(channel);
        await Retry.UnavailableAsync(async () => await directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = workload.DirectoryJson(sample) }), "the directory import");
        var caseService = new V1.CaseService.CaseServiceClient(channel);
        await Parallel.ForEachAsync(workload.Cases, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, cancel) =>
            await Retry.UnavailableAsync(
                async () => await caseService.UpsertCaseAsync(
                    new V1.UpsertCaseRequest
                    {
                        Case = new V1.Case { CaseNumber = c.Number, CourtId = c.Court, DivisionId = "civil-1", PresidingJudgeId = c.Judge },
                        Actor = "load",
                    },
                    cancellationToken: cancel),
                $"case {c.Number}"));
        Console.WriteLine($"prepared {workload.Courts.Count} courts ({extraCourts} generated), {judges} judges per trial division, {cases:N0} cases");
        return workload;
    }

    private static async Task<long> VerifyAsync(GrpcChannel channel, ConcurrentDictionary<(V1.Channel, string), string> acknowledged)
    {
        var tickets = new V1.TicketService.TicketServiceClient(channel);
        long lost = 0;
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (entry, cancel) =>
        {
            try
            {
                var ticket = (await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = entry.Value }, cancellationToken: cancel)).Ticket;
                if (ticket.IdempotencyKey != entry.Key.Item2 || ticket.Channel != entry.Key.Item1)
                {
                    Interlocked.Increment(ref lost);
                }
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref lost);
            }
        });
        return lost;
    }

    private static void PrintTable(string measured, Measurement m)
    {
        Console.WriteLine();
        Console.WriteLine("| call | calls/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (name, r) in new[] { ("health check (baseline)", m.Baseline), (measured, m.Intake) })
        {
            Console.WriteLine($"| {name} | {r.Throughput:F0} | {r.Ms(50):F2} | {r.Ms(90):F2} | {r.Ms(99):F2} | {r.Ms(99.9):F2} | {r.Ms(100):F2} | {r.ErrorCount} |");
        }

        Console.WriteLine($"\nintake / baseline: {(double.IsNaN(m.Ratio) ? "n/a (open loop)" : m.Ratio.ToString("P1", System.Globalization.CultureInfo.InvariantCulture))}; acknowledged {m.Acknowledged:N0}, lost {m.Lost}, retries answered with another ticket {m.KeyConflicts}");
    }
}
