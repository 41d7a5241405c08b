using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Storage.Databases;
using Engine.Storage.Tickets;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Load;

/// <summary>
/// Judges' morning lists at national size (issue "Every judge a grain", decision 61). Starts the engine on a new data
/// directory (SQLite, or the PostgreSQL of <c>--postgres</c>), imports the sample courts and as many generated courts as
/// asked with made-up judges, stops it, gives a share of the judges an open overdue ticket each (straight into the
/// engine's store, so it is on the list), sets every judge's timer row to one moment a little ahead and starts the
/// engine again with its morning list at that minute (<c>Engine:Judges:MorningListAt</c>, on real time: a calendar file
/// makes the day a working day if it is not). Then it watches the burst drain: the rows still due, the engine's CPU,
/// and afterwards every judge.digest of the day: lateness after the moment, published against expected, duplicates.
/// </summary>
internal static class TimerRun
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static async Task<int> RunAsync(TimerSettings settings)
    {
        var data = settings.Data ?? Path.Combine(Path.GetTempPath(), "engine-timers-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        var workload = new Workload(Samples.Courts(), settings.JudgesPerDivision, cases: 1, repeatCallers: 0, settings.ExtraCourts);
        var directory = workload.DirectoryJson(await File.ReadAllTextAsync(Samples.File("shanghai-courts.json")));
        var judges = JsonNode.Parse(directory)!["judges"]!.AsArray().Select(j => (Id: j!["id"]!.GetValue<string>(), Court: j["court"]!.GetValue<string>())).ToList();
        var report = new Dictionary<string, object>
        {
            ["machine"] = Machine.Facts(), ["provider"] = settings.Postgres is null ? "sqlite" : "postgres", ["judges"] = judges.Count,
            ["courts"] = workload.Courts.Count, ["pendingShare"] = settings.PendingShare, ["engineSettings"] = settings.EngineSettings, ["loadAverageBefore"] = LoadAverage(),
        };
        var environment = new Dictionary<string, string>();
        var postgres = settings.Postgres is { } file ? (await File.ReadAllTextAsync(file)).Trim() : null;
        if (postgres is { } connection)
        {
            environment["Engine__Storage__Provider"] = "postgres";
            environment["Engine__Storage__ConnectionString"] = connection;
        }

        // 1. The directory, on an engine whose lists are hours away (no list is made while preparing).
        var prepareAt = LocalNow().AddHours(3);
        var calendar = WorkingDayCalendar(data, LocalNow().AddMinutes(2));
        var clock = Stopwatch.StartNew();
        using (var engine = new EngineChild(data, [$"--Engine:Judges:MorningListAt={prepareAt:HH\\:mm}", $"--Engine:Deadlines:CalendarFiles:0={calendar}"], environment))
        {
            await engine.WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{engine.GrpcPort}", new GrpcChannelOptions { MaxSendMessageSize = 64 * 1024 * 1024 });
            await ImportAsync(new V1.DirectoryService.DirectoryServiceClient(channel), directory);
            await engine.StopAsync();
        }

        report["importSeconds"] = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"imported {workload.Courts.Count:N0} courts, {judges.Count:N0} judges in {clock.Elapsed.TotalSeconds:F0} s");

        // 2. An overdue ticket for every judge of the share (deterministic: every n-th), and every judge's row at the moment.
        var storage = postgres is { } pg ? new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = pg } : new StorageOptions { DataDirectory = data };
        var database = Database.Create(storage);
        var pending = judges.Where((_, i) => IsPending(i, settings.PendingShare)).Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        clock.Restart();
        await SeedTicketsAsync(database, storage, judges.Where(j => pending.Contains(j.Id)).ToList());
        report["seedSeconds"] = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"seeded {pending.Count:N0} overdue tickets in {clock.Elapsed.TotalSeconds:F0} s");

        var moment = NextMinute(LocalNow().AddSeconds(settings.LeadSeconds));
        calendar = WorkingDayCalendar(data, moment);
        var momentMs = moment.ToUnixTimeMilliseconds();
        var rows = database.Execute("UPDATE due_timers SET due_at_ms = @t WHERE owner_key LIKE 'judge:%';", ("@t", momentMs));
        report["timerRows"] = rows;
        report["moment"] = moment.ToString("O", CultureInfo.InvariantCulture);
        Console.WriteLine($"{rows:N0} timer rows due at {moment:yyyy-MM-dd HH:mm:ss zzz}; starting the engine with its morning list at {moment:HH:mm}");

        // 3. The burst: the rows still due at the moment, each half second, until none is; the engine's CPU over it.
        var samples = new List<(double Seconds, long Due)>();
        double drainSeconds;
        double cpuSeconds;
        using (var engine = new EngineChild(data, [$"--Engine:Judges:MorningListAt={moment:HH\\:mm}", $"--Engine:Deadlines:CalendarFiles:0={calendar}", .. settings.EngineSettings.Select(s => "--" + s)], environment))
        {
            await engine.WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
            var wait = moment - DateTimeOffset.UtcNow;
            if (wait <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"the engine was ready {-wait.TotalSeconds:F1} s after the moment: give it a longer --lead");
            }

            await Task.Delay(wait);
            var cpuAtMoment = engine.CpuTime;
            var loads = new List<double>();
            while (true)
            {
                var due = Count(database, "SELECT COUNT(*) FROM due_timers WHERE due_at_ms <= @t;", momentMs);
                var elapsed = (DateTimeOffset.UtcNow - moment).TotalSeconds;
                samples.Add((elapsed, due));
                loads.Add(LoadAverage());
                if (samples.Count % 10 == 1)
                {
                    Console.WriteLine($"  {elapsed,6:F1} s: {due:N0} judges still to wake, engine CPU {(engine.CpuTime - cpuAtMoment).TotalSeconds:F1} s");
                }

                if (due == 0)
                {
                    drainSeconds = elapsed;
                    break;
                }

                if (elapsed > settings.PatienceSeconds)
                {
                    drainSeconds = double.NaN;
                    Console.WriteLine($"gave up after {settings.PatienceSeconds} s with {due:N0} judges still to wake");
                    break;
                }

                await Task.Delay(500);
            }

            cpuSeconds = (engine.CpuTime - cpuAtMoment).TotalSeconds;
            report["loadAverageDuring"] = loads.Count > 0 ? loads.Order().ElementAt(loads.Count / 2) : 0;
            report["rssAfterBytes"] = engine.RssBytes;
            await engine.StopAsync();
        }

        // 4. What was published, once each, and how late.
        var digests = ReadDigests(database, moment);
        var lateness = digests.Select(d => (double)(d.AtMs - momentMs)).Order().ToArray();
        var perJudge = digests.GroupBy(d => d.JudgeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var duplicates = perJudge.Count(p => p.Value > 1);
        var missing = pending.Count(j => !perJudge.ContainsKey(j));
        var unexpected = perJudge.Keys.Count(j => !pending.Contains(j));
        report["drainSeconds"] = drainSeconds;
        report["wakesPerSecond"] = judges.Count / drainSeconds;
        report["engineCpuSeconds"] = cpuSeconds;
        report["engineCores"] = cpuSeconds / drainSeconds;
        report["engineCpuPerWakeMicroseconds"] = cpuSeconds * 1e6 / judges.Count;
        report["digestsExpected"] = pending.Count;
        report["digestsPublished"] = digests.Count;
        report["judgesWithTwoOrMore"] = duplicates;
        report["judgesMissing"] = missing;
        report["judgesUnexpected"] = unexpected;
        report["latenessMs"] = RunOptions.Percentiles(lateness);
        report["dueAfterSeconds"] = samples.Where((_, i) => i % 4 == 0).Select(s => new[] { Math.Round(s.Seconds, 1), s.Due }).ToArray();
        var json = RunOptions.Report(report);
        Console.WriteLine(json);
        await File.WriteAllTextAsync(settings.Report, json);
        Console.WriteLine($"burst of {judges.Count:N0} wakes drained in {drainSeconds:F1} s ({judges.Count / drainSeconds:F0}/s), engine CPU {cpuSeconds:F1} s; " +
            $"digests {digests.Count:N0} of {pending.Count:N0}, {duplicates} judges with two or more, {missing} missing; report: {Path.GetFullPath(settings.Report)}; data: {data}");
        return !double.IsNaN(drainSeconds) && duplicates == 0 && missing == 0 && unexpected == 0 && digests.Count == pending.Count ? 0 : 2;
    }

    /// <summary>Imports the directory 250 courts at a time (the sample's first: the generated courts' parent is there),
    /// each part with its people, retrying a part the engine answered UNAVAILABLE (an import is a merge: a part sent
    /// again changes nothing already stored). One file of 120,000 people was refused UNAVAILABLE on a busy machine.</summary>
    private static async Task ImportAsync(V1.DirectoryService.DirectoryServiceClient client, string directory)
    {
        var root = JsonNode.Parse(directory)!.AsObject();
        var courts = root["courts"]!.AsArray().Select(c => c!.DeepClone()).ToList();
        var judges = root["judges"]!.AsArray().Select(j => j!.DeepClone()).ToLookup(j => j["court"]!.GetValue<string>(), StringComparer.Ordinal);
        foreach (var part in courts.Chunk(250))
        {
            var file = root.DeepClone().AsObject();
            file["courts"] = new JsonArray([.. part]);
            file["judges"] = new JsonArray([.. part.SelectMany(c => judges[c!["id"]!.GetValue<string>()]).Select(j => j.DeepClone())]);
            await Retry.UnavailableAsync(async () => await client.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = file.ToJsonString() }), $"import of {part.Length} courts");
        }
    }

    /// <summary>Every n-th judge, so that the share is spread over every court and shard.</summary>
    private static bool IsPending(int index, double share) => share > 0 && Math.Floor((index + 1) * share) > Math.Floor(index * share);

    private static DateTimeOffset LocalNow() => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai);

    private static DateTimeOffset NextMinute(DateTimeOffset at) =>
        new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, at.Offset).AddMinutes(1);

    /// <summary>A calendar file for the year of <paramref name="day"/> (court time) without holidays, with that day a
    /// make-up working day when it falls on a weekend: the burst runs on real time, whatever today is.</summary>
    private static string WorkingDayCalendar(string data, DateTimeOffset day)
    {
        var date = DateOnly.FromDateTime(day.DateTime);
        var workdays = new JsonArray();
        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            workdays.Add(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        var file = Path.Combine(data, $"calendar-{date.Year}.json");
        File.WriteAllText(file, new JsonObject
        {
            ["about"] = "Engine.Load timers: a year without holidays, the day of the burst a working day.",
            ["year"] = date.Year, ["timeZone"] = Shanghai.Id, ["holidays"] = new JsonArray(), ["workdays"] = workdays,
        }.ToJsonString());
        return file;
    }

    /// <summary>One open ticket per judge, its reply deadline passed yesterday and no step pending (no deadline shard
    /// has anything to fire): it is on the judge's list as overdue.</summary>
    private static async Task SeedTicketsAsync(Database database, StorageOptions storage, List<(string Id, string Court)> judges)
    {
        await using var seed = new SeedTickets(database, storage);
        var created = DateTimeOffset.UtcNow.AddDays(-3);
        foreach (var (i, (judge, court)) in judges.Index())
        {
            await seed.AddAsync(SeedTickets.Dispatched(seed.Ids.Next(), judge, court, i, created, new DeadlineClock(1, ClockCause.Received, created, created.AddDays(2), false, [])));
        }
    }

    private static long Count(Database database, string sql, long at)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Add("@t", at);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The judge.digest events of the moment's day: the judge and the event's time.</summary>
    private static List<(string JudgeId, long AtMs)> ReadDigests(Database database, DateTimeOffset moment)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT aggregate_id, at_ms, payload FROM events WHERE event_type = 'judge.digest';";
        var day = moment.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var digests = new List<(string, long)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var digest = Google.Protobuf.WellKnownTypes.Any.Parser.ParseFrom((byte[])reader[2]).Unpack<V1.JudgeDigest>();
            if (digest.Day == day)
            {
                digests.Add((reader.GetString(0)["judge/".Length..], reader.GetInt64(1)));
            }
        }

        return digests;
    }

    private static double LoadAverage() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
        : double.NaN;
}
