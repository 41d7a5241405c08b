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
            ["courts"] = workload.Courts.Count, ["pendingShare"] = settings.PendingShare, ["engineSettings"] = settings.EngineSettings, ["loadAverageBefore"] = Burst.LoadAverage(),
        };
        var environment = new Dictionary<string, string>();
        var postgres = settings.Postgres is { } file ? (await File.ReadAllTextAsync(file)).Trim() : null;
        if (postgres is { } connection)
        {
            environment["Engine__Storage__Provider"] = "postgres";
            environment["Engine__Storage__ConnectionString"] = connection;
        }

        // 1. The directory, on an engine whose lists are hours away (no list is made while preparing).
        var prepareAt = Burst.LocalNow().AddHours(3);
        var calendar = Burst.WorkingDayCalendar(data, Burst.LocalNow().AddMinutes(2));
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

        (var moment, calendar, var rows) = Burst.MakeDue(database, data, "judge:", settings.LeadSeconds, report);
        var momentMs = moment.ToUnixTimeMilliseconds();
        Console.WriteLine($"{rows:N0} timer rows due at {moment:yyyy-MM-dd HH:mm:ss zzz}; starting the engine with its morning list at {moment:HH:mm}");

        // 3. The burst: the rows still due at the moment, each half second, until none is; the engine's CPU over it.
        Burst.Drain drain;
        using (var engine = new EngineChild(data, [$"--Engine:Judges:MorningListAt={moment:HH\\:mm}", $"--Engine:Deadlines:CalendarFiles:0={calendar}", .. settings.EngineSettings.Select(s => "--" + s)], environment))
        {
            await engine.WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
            drain = await Burst.WatchAsync(engine, database, "judge:", moment, settings.PatienceSeconds, "judges");
            await engine.StopAsync();
        }

        // 4. What was published, once each, and how late.
        var digests = ReadDigests(database, moment);
        var lateness = digests.Select(d => (double)(d.AtMs - momentMs)).Order().ToArray();
        var perJudge = digests.GroupBy(d => d.JudgeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var duplicates = perJudge.Count(p => p.Value > 1);
        var missing = pending.Count(j => !perJudge.ContainsKey(j));
        var unexpected = perJudge.Keys.Count(j => !pending.Contains(j));
        Burst.Report(report, drain, judges.Count);
        report["digestsExpected"] = pending.Count;
        report["digestsPublished"] = digests.Count;
        report["judgesWithTwoOrMore"] = duplicates;
        report["judgesMissing"] = missing;
        report["judgesUnexpected"] = unexpected;
        await Burst.WriteReportAsync(report, lateness, settings.Report);
        Console.WriteLine($"burst of {judges.Count:N0} wakes drained in {drain.Seconds:F1} s ({judges.Count / drain.Seconds:F0}/s), engine CPU {drain.CpuSeconds:F1} s; " +
            $"digests {digests.Count:N0} of {pending.Count:N0}, {duplicates} judges with two or more, {missing} missing; report: {Path.GetFullPath(settings.Report)}; data: {data}");
        return !double.IsNaN(drain.Seconds) && duplicates == 0 && missing == 0 && unexpected == 0 && digests.Count == pending.Count ? 0 : 2;
    }

    /// <summary>Imports the directory 250 courts at a time (the sample's first: the generated courts' parent is there),
    /// each part with its people, retrying a part the engine answered UNAVAILABLE (an import is a merge: a part sent
    /// again changes nothing already stored). One file of 120,000 people was refused UNAVAILABLE on a busy machine.</summary>
    internal static async Task ImportAsync(V1.DirectoryService.DirectoryServiceClient client, string directory)
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
}
