using System.Diagnostics;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Storage.Databases;
using Engine.Storage.Tickets;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using V1 = Engine.V1;

namespace Engine.Load;

/// <summary>
/// Deadlines at scale (issue "Supervise", promises 2 and 4). Seeds open tickets with pending deadlines straight into
/// the engine's SQLite file (the engine's own store and row format; background tickets are due in 30 days, the storm
/// tickets all at one moment), starts the engine as a child process on that file, submits tickets through gRPC at a
/// steady rate (each with a drill ladder: warning 30 s, urging 60 s, supervision 70 s, special supervision 80 s, so
/// steps come due all through the run while intake goes on), lets the storm fall due in the middle, then reads
/// every step from the log: lateness (fired − due) percentiles, duplicates, steps missing; resident memory
/// throughout; start-up time, and start-up again on the full file.
/// </summary>
internal static class DeadlineRun
{
    private static readonly string[] Drill =
    [
        "--Engine:Deadlines:All:Reply=60 seconds",
        "--Engine:Deadlines:All:WarningShare=0.5",
        "--Engine:Deadlines:All:Supervision=10 seconds",
        "--Engine:Deadlines:All:SpecialSupervision=20 seconds",
    ];

    public static async Task<int> RunAsync(DeadlineSettings settings)
    {
        var (tickets, storm, rate) = (settings.Tickets, settings.Storm, settings.IntakeRate);
        var duration = TimeSpan.FromSeconds(settings.DurationSeconds);
        var data = settings.Data ?? Path.Combine(Path.GetTempPath(), "engine-load-" + Guid.NewGuid().ToString("N")[..8]);
        var report = new Dictionary<string, object> { ["machine"] = Machine.Facts(), ["tickets"] = tickets, ["storm"] = storm, ["intakeRate"] = rate, ["durationSeconds"] = duration.TotalSeconds };
        Directory.CreateDirectory(data);
        var courts = Samples.Courts();

        // 1. Seed. The storm is due a fixed time after seeding ends: long enough for the engine to start.
        var seeding = Stopwatch.StartNew();
        var stormIds = await SeedAsync(data, courts, tickets, storm, stormDelay: TimeSpan.FromSeconds(60) + duration / 2);
        Console.WriteLine($"seeded {tickets:N0} open tickets ({storm:N0} of them due together) in {seeding.Elapsed.TotalSeconds:F0} s");
        report["seedSeconds"] = seeding.Elapsed.TotalSeconds;

        // 2. Start on the seeded file, then submit at a steady rate while deadlines fall due.
        var rss = new List<long>();
        Driver.Result submitted;
        using (var engine = new EngineChild(data, [.. Drill, "--import", Samples.File("shanghai-courts.json")]))
        {
            await engine.WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
            report["startSeconds"] = engine.StartedAfter.TotalSeconds;
            report["shardsRunningSeconds"] = engine.ShardsRunningAfter.TotalSeconds;
            report["rssAfterStartBytes"] = engine.RssBytes;
            Console.WriteLine($"engine ready in {engine.ShardsRunningAfter.TotalSeconds:F1} s, RSS {engine.RssBytes / 1048576.0:F0} MiB");

            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{engine.GrpcPort}");
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    rss.Add(engine.RssBytes);
                    await Task.Delay(1000);
                }
            });
            submitted = await SubmitAsync(channel, courts, rate, duration);
            report["submitted"] = submitted.Calls;
            report["intake"] = submitted.Summary();
            Console.WriteLine($"submitted {submitted.Calls:N0} tickets at {rate}/s ({submitted.ErrorCount} errors); waiting for their last steps");
            submitted.PrintErrors();
            await Task.Delay(TimeSpan.FromSeconds(85));
            await sampling.CancelAsync();
            await sampler;
            await engine.StopAsync();
        }

        report["rssMaxBytes"] = rss.Count > 0 ? rss.Max() : 0;
        report["rssMedianBytes"] = rss.Count > 0 ? rss.Order().ElementAt(rss.Count / 2) : 0;

        // 3. What fired, and when.
        var steps = ReadSteps(data);
        var stormSteps = steps.Where(s => stormIds.Contains(s.TicketId)).ToList();
        var stormLateness = stormSteps.Select(s => s.LateMs).Order().ToArray();
        var steadySteps = steps.Where(s => !stormIds.Contains(s.TicketId)).ToList();
        var steadyLateness = steadySteps.Select(s => s.LateMs).Order().ToArray();

        // Steady steps due while the storm was being drained wait behind it; the others show the engine under intake load.
        var (stormFrom, stormTo) = stormSteps.Count > 0 ? (stormSteps.Min(s => s.DueAt), stormSteps.Max(s => s.DueAt.AddMilliseconds(s.LateMs))) : (DateTimeOffset.MaxValue, DateTimeOffset.MinValue);
        report["steadyOutsideStormLatenessMs"] = RunOptions.Percentiles([.. steadySteps.Where(s => s.DueAt < stormFrom || s.DueAt > stormTo).Select(s => s.LateMs).Order()]);
        report["steadyDuringStormLatenessMs"] = RunOptions.Percentiles([.. steadySteps.Where(s => s.DueAt >= stormFrom && s.DueAt <= stormTo).Select(s => s.LateMs).Order()]);
        var duplicates = steps.GroupBy(s => (s.TicketId, s.Type, s.Clock)).Count(g => g.Count() > 1);
        var expected = ((long)report["submitted"] * 4) + storm;
        report["stepsFired"] = steps.Count;
        report["stepsExpected"] = expected;
        report["duplicateSteps"] = duplicates;
        report["steadyLatenessMs"] = RunOptions.Percentiles(steadyLateness);
        report["stormLatenessMs"] = RunOptions.Percentiles(stormLateness);
        report["stormDrainSeconds"] = stormLateness.Length > 0 ? stormLateness[^1] / 1000.0 : 0;

        // 4. Start-up again on the full file.
        using (var again = new EngineChild(data, Drill))
        {
            await again.WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
            report["restartSeconds"] = again.ShardsRunningAfter.TotalSeconds;
            await Task.Delay(5000);
            report["rssAfterRestartBytes"] = again.RssBytes;
            await again.StopAsync();
        }

        report["databaseBytes"] = new FileInfo(Path.Combine(data, "engine.db")).Length;
        var json = RunOptions.Report(report);
        Console.WriteLine(json);
        var file = settings.Report;
        await File.WriteAllTextAsync(file, json);
        Console.WriteLine($"report: {Path.GetFullPath(file)}; data: {data}");
        if (submitted.ErrorCount > 0)
        {
            // The steps expected count only the submissions that succeeded: errors would otherwise pass unseen.
            Console.WriteLine($"the run got {submitted.ErrorCount:N0} errors (intake.errorReasons in the report says why)");
        }

        return steps.Count == expected && duplicates == 0 && submitted.ErrorCount == 0 ? 0 : 2;
    }

    private static async Task<HashSet<string>> SeedAsync(string data, string[] courts, int tickets, int storm, TimeSpan stormDelay)
    {
        var storage = new StorageOptions { DataDirectory = data };
        var database = Database.Create(storage);
        Schema.Apply(database);
        await using var seed = new SeedTickets(database, storage);
        var stormIds = new HashSet<string>(StringComparer.Ordinal);
        var background = DateTimeOffset.UtcNow.AddDays(30);
        DateTimeOffset? stormAt = null;
        for (var i = 0; i < tickets; i++)
        {
            var isStorm = i >= tickets - storm;
            if (isStorm)
            {
                stormAt ??= DateTimeOffset.UtcNow + stormDelay;
            }

            var now = DateTimeOffset.UtcNow;
            var due = isStorm ? stormAt!.Value : background;
            var court = courts[i % courts.Length];
            var ticket = SeedTickets.Dispatched(seed.Ids.Next(), $"{court}/civil-1/{(i % 20) + 1}", court, i, now,
                new DeadlineClock(1, ClockCause.Received, now, due, false, [new PendingStep(DeadlineStep.Urging, due)]));
            if (isStorm)
            {
                stormIds.Add(ticket.TicketId);
            }

            await seed.AddAsync(ticket);
            if (i % 100_000 == 0 && i > 0)
            {
                Console.WriteLine($"  seeded {i:N0}");
            }
        }

        await seed.FlushAsync();
        return stormIds;
    }

    /// <summary>Consultations to the sample courts, open loop at <paramref name="rate"/> per second.</summary>
    private static Task<Driver.Result> SubmitAsync(GrpcChannel channel, string[] courts, int rate, TimeSpan duration)
    {
        var n = 0L;
        var intake = new V1.IntakeService.IntakeServiceClient(channel);
        return Driver.RunAsync("open", rate, 0, TimeSpan.Zero, duration, [channel], async _ =>
        {
            var i = Interlocked.Increment(ref n);
            var request = new V1.SubmitTicketRequest
            {
                IdempotencyKey = Guid.NewGuid().ToString("N"),
                Channel = V1.Channel.Web,
                Kind = V1.TicketKind.Consultation,
                SubKind = V1.TicketSubKind.ConsultationProcedure,
                CourtId = courts[i % courts.Length],
                Caller = new V1.Caller { Name = "测试当事人", Phone = $"139{i % 100_000_000:D8}", Role = V1.CallerRole.Party },
                Content = "请问如何申请网上立案？",
            };
            return (await intake.SubmitTicketAsync(request)).Ticket.TicketId;
        });
    }

    private static List<(string TicketId, string Type, int Clock, DateTimeOffset DueAt, double LateMs)> ReadSteps(string data)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "engine.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT aggregate_id, event_type, payload FROM events WHERE event_type LIKE 'deadline.%';";
        var steps = new List<(string, string, int, DateTimeOffset, double)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var fired = Google.Protobuf.WellKnownTypes.Any.Parser.ParseFrom((byte[])reader[2]).Unpack<V1.DeadlineStepFired>();
            var due = fired.DueAt.ToDateTimeOffset();
            steps.Add((reader.GetString(0), reader.GetString(1), fired.Clock, due, (fired.FiredAt.ToDateTimeOffset() - due).TotalMilliseconds));
        }

        return steps;
    }
}
