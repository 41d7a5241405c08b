using System.Diagnostics;
using System.Globalization;
using Engine.Storage.Databases;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Load;

/// <summary>
/// Hearing reminders at national size (issue "Every judge a grain", decision 62). Starts the engine on a new data
/// directory (SQLite, or the PostgreSQL of <c>--postgres</c>), imports the sample courts (and generated ones when asked),
/// stores the cases through <c>UpsertCase</c>, each with a plaintiff, a defendant and an agent and a hearing scheduled
/// for tomorrow at 10:00 court time, stops it, sets every case's timer row to one moment a little ahead and starts the
/// engine again with the reminders' time of day at that moment (<c>Engine:Cases:HearingReminderAt</c>, the working day
/// before the hearing, on real time: a calendar file makes today a working day). As at 09:00 on a court day, every
/// case with a hearing tomorrow is due at once. It watches the burst drain and then reads every case.hearing_reminder:
/// lateness after the moment, reminders sent against expected (one per party), duplicates by reminder key.
/// </summary>
internal static class HearingRun
{
    /// <summary>Who is reminded in each case.</summary>
    private static readonly (V1.PartyRole Role, string Name)[] Roles = [(V1.PartyRole.Plaintiff, "测试原告"), (V1.PartyRole.Defendant, "测试被告"), (V1.PartyRole.Agent, "测试代理人")];

    public static async Task<int> RunAsync(HearingSettings settings)
    {
        var data = settings.Data ?? Path.Combine(Path.GetTempPath(), "engine-hearings-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        var workload = new Workload(Samples.Courts(), judgesPerDivision: 3, settings.Cases, repeatCallers: 0, settings.ExtraCourts);
        var directory = workload.DirectoryJson(await File.ReadAllTextAsync(Samples.File("shanghai-courts.json")));
        var report = new Dictionary<string, object>
        {
            ["machine"] = Machine.Facts(), ["provider"] = settings.Postgres is null ? "sqlite" : "postgres", ["cases"] = settings.Cases,
            ["partiesPerCase"] = Roles.Length, ["courts"] = workload.Courts.Count, ["engineSettings"] = settings.EngineSettings, ["loadAverageBefore"] = Burst.LoadAverage(),
        };
        var environment = new Dictionary<string, string>();
        var postgres = settings.Postgres is { } file ? (await File.ReadAllTextAsync(file)).Trim() : null;
        if (postgres is { } connection)
        {
            environment["Engine__Storage__Provider"] = "postgres";
            environment["Engine__Storage__ConnectionString"] = connection;
        }

        // 1. The directory and the cases, on an engine that plans each reminder a second before its hearing (nothing is
        // sent while preparing) and whose judges' lists are hours away.
        var today = Burst.LocalNow();
        var hearingAt = new DateTimeOffset(today.Date.AddDays(1).AddHours(10), today.Offset);
        var quietAt = today.AddHours(3);
        var calendar = Burst.WorkingDayCalendar(data, today);
        var clock = Stopwatch.StartNew();
        using (var engine = new EngineChild(data, [$"--Engine:Judges:MorningListAt={quietAt:HH\\:mm}", "--Engine:Cases:HearingReminderLead=00:00:01", $"--Engine:Deadlines:CalendarFiles:0={calendar}"], environment))
        {
            await engine.WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{engine.GrpcPort}", new GrpcChannelOptions { MaxSendMessageSize = 64 * 1024 * 1024 });
            await TimerRun.ImportAsync(new V1.DirectoryService.DirectoryServiceClient(channel), directory);
            report["importSeconds"] = clock.Elapsed.TotalSeconds;
            clock.Restart();
            await StoreCasesAsync(new V1.CaseService.CaseServiceClient(channel), workload, hearingAt);
            report["storeSeconds"] = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"stored {settings.Cases:N0} cases with a hearing at {hearingAt:yyyy-MM-dd HH:mm zzz} in {clock.Elapsed.TotalSeconds:F0} s");
            await engine.StopAsync();
        }

        // 2. Every case's row at the moment.
        var storage = postgres is { } pg ? new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = pg } : new StorageOptions { DataDirectory = data };
        var database = Database.Create(storage);
        (var moment, calendar, var rows) = Burst.MakeDue(database, data, "case:", settings.LeadSeconds, report);
        var momentMs = moment.ToUnixTimeMilliseconds();
        if (moment >= hearingAt)
        {
            throw new InvalidOperationException($"the moment {moment:O} is not before the hearings ({hearingAt:O}): run it earlier in the day, or with fewer cases");
        }
        Console.WriteLine($"{rows:N0} case rows due at {moment:yyyy-MM-dd HH:mm:ss zzz}; starting the engine with its hearing reminders at {moment:HH:mm:ss}");

        // 3. The burst.
        Burst.Drain drain;
        using (var engine = new EngineChild(
            data,
            [$"--Engine:Judges:MorningListAt={quietAt:HH\\:mm}", $"--Engine:Cases:HearingReminderAt={moment:HH\\:mm\\:ss}", $"--Engine:Deadlines:CalendarFiles:0={calendar}", .. settings.EngineSettings.Select(s => "--" + s)],
            environment))
        {
            await engine.WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
            drain = await Burst.WatchAsync(engine, database, "case:", moment, settings.PatienceSeconds, "cases");
            await engine.StopAsync();
        }

        // 4. What was sent, once each, and how late.
        var reminders = ReadReminders(database);
        var lateness = reminders.Select(r => (double)(r.AtMs - momentMs)).Order().ToArray();
        var perKey = reminders.GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var expected = settings.Cases * Roles.Length;
        var duplicates = perKey.Count(p => p.Value > 1);
        var casesReminded = reminders.Select(r => r.CaseNumber).Distinct(StringComparer.Ordinal).Count();
        Burst.Report(report, drain, settings.Cases);
        report["remindersExpected"] = expected;
        report["remindersSent"] = reminders.Count;
        report["remindersSentTwice"] = duplicates;
        report["casesReminded"] = casesReminded;
        await Burst.WriteReportAsync(report, lateness, settings.Report);
        Console.WriteLine($"burst of {settings.Cases:N0} case wakes drained in {drain.Seconds:F1} s ({settings.Cases / drain.Seconds:F0}/s), engine CPU {drain.CpuSeconds:F1} s; " +
            $"reminders {reminders.Count:N0} of {expected:N0} ({perKey.Count:N0} distinct, {duplicates} sent twice), lateness p50 / p99 {LatenessSeconds(lateness, "p50"):F1} / {LatenessSeconds(lateness, "p99"):F1} s; " +
            $"report: {Path.GetFullPath(settings.Report)}; data: {data}");
        return !double.IsNaN(drain.Seconds) && duplicates == 0 && perKey.Count == expected && reminders.Count == expected ? 0 : 2;
    }

    /// <summary>Each case with its judge, three people (made-up names, phones of a reserved-looking range, one set per
    /// case so that no two cases share a party) and its hearing, as a court's case system sends it.</summary>
    private static async Task StoreCasesAsync(V1.CaseService.CaseServiceClient cases, Workload workload, DateTimeOffset hearingAt)
    {
        var stored = 0;
        await Parallel.ForEachAsync(workload.Cases.Index(), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (entry, cancel) =>
        {
            var (i, c) = entry;
            var request = new V1.UpsertCaseRequest
            {
                Case = new V1.Case { CaseNumber = c.Number, CourtId = c.Court, DivisionId = "civil-1", PresidingJudgeId = c.Judge },
                Actor = "load",
            };
            foreach (var (k, (role, name)) in Roles.Index())
            {
                request.Case.Parties.Add(new V1.Party { Name = name, Role = role, Phone = $"170{(i * Roles.Length) + k:D8}" });
            }

            request.Case.Nodes.Add(new V1.CaseNode
            {
                NodeType = "HEARING_SCHEDULED", At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Detail = "开庭", Public = true,
                Hearing = new V1.Hearing { At = Timestamp.FromDateTimeOffset(hearingAt), Place = "第一法庭" },
            });
            await Retry.UnavailableAsync(async () => await cases.UpsertCaseAsync(request, cancellationToken: cancel), $"case {c.Number}");
            if (Interlocked.Increment(ref stored) % 10_000 == 0)
            {
                Console.WriteLine($"  {stored:N0} cases stored");
            }
        });
    }

    /// <summary>Every case.hearing_reminder of the log: the case, the reminder's key and the event's time.</summary>
    private static List<(string CaseNumber, string Key, long AtMs)> ReadReminders(Database database)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT aggregate_id, at_ms, payload FROM events WHERE event_type = 'case.hearing_reminder';";
        var reminders = new List<(string, string, long)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var reminder = Any.Parser.ParseFrom((byte[])reader[2]).Unpack<V1.CaseHearingReminder>();
            reminders.Add((reader.GetString(0), reminder.ReminderKey, reader.GetInt64(1)));
        }

        return reminders;
    }

    private static double LatenessSeconds(double[] sorted, string percentile) =>
        RunOptions.Percentiles(sorted).TryGetValue(percentile, out var ms) ? ms / 1000 : double.NaN;
}
