using System.Globalization;
using System.Text.Json;
using Engine.Tests.Support;
using Npgsql;
using Xunit.Abstractions;
using V1 = Engine.V1;

namespace Engine.Tests.Cluster;

/// <summary>
/// Judges' morning lists in cluster mode (decision 61): the silo that holds the most judge timer shards is killed (SIGKILL)
/// before the lists fall due, and every judge's list still comes exactly once, within the bound the deadline steps keep
/// after a loss (10 s after the later of the due moment and the end of the outage: the dead silo declared dead).
/// The cluster runs on real time, so the list time (Engine:Judges:MorningListAt, to the second) is <see cref="Lead"/>
/// ahead, and a calendar file makes that day a working day whatever day the test runs on.
/// </summary>
[Collection(nameof(OneClusterAtATime))]
[Trait("Category", "Soak")]
public sealed class ClusterJudgeTimerTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Time for three silos, a front-end and the preparation before the lists fall due (18.5 s alone on a
    /// two-core machine, 31 s with the rest of the suite's serial cluster tests, about 40 s beside other work; the test
    /// prints it); the kill comes <see cref="KillBefore"/> before them. ENGINE_CLUSTER_LIST_LEAD (seconds) lengthens it
    /// on a slow machine.</summary>
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("ENGINE_CLUSTER_LIST_LEAD"), CultureInfo.InvariantCulture, out var lead) ? lead : 50);

    private static readonly TimeSpan KillBefore = TimeSpan.FromSeconds(5);

    /// <summary>Decision 43: a killed silo is declared dead within 15 s; a step due during the outage fires within 10 s
    /// of its end (the nemesis test's bound).</summary>
    private static readonly TimeSpan DeclaredWithin = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan StepBound = TimeSpan.FromSeconds(10);

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static readonly string[] Courts = ["sh-pudong", "sh-huangpu", "sh-xuhui", "sh-minhang"];

    private static readonly string[] TrialDivisions = ["civil-1", "civil-2", "commercial", "criminal", "administrative"];

    private readonly TempDirectory _files = new();

    [Fact]
    public async Task The_silo_holding_the_judge_timer_shards_is_killed_before_the_lists_and_every_list_still_comes_once_within_the_bound()
    {
        var started = DateTimeOffset.UtcNow;
        var moment = WholeSecond(TimeZoneInfo.ConvertTime(started + Lead, Shanghai));
        var settings = new Dictionary<string, string>
        {
            ["Engine__Judges__MorningListAt"] = moment.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            ["Engine__Deadlines__CalendarFiles__0"] = WorkingDayCalendar(moment),

            // A reply due a minute after each ticket: at the moment every ticket is overdue or due that day, so on its
            // judge's list.
            ["Engine__Deadlines__All__Reply"] = "60 seconds",
        };
        await using var cluster = await ClusterUnderTest.StartAsync(silos: 3, frontends: 1, settings: settings);
        var frontend = cluster.Frontend(1);
        await new V1.DirectoryService.DirectoryServiceClient(frontend).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.ForCourts(Courts) });
        var withTickets = new HashSet<string>(StringComparer.Ordinal);
        var cases = new V1.CaseService.CaseServiceClient(frontend);
        var intake = new V1.IntakeService.IntakeServiceClient(frontend);
        foreach (var court in Courts)
        {
            foreach (var division in TrialDivisions)
            {
                for (var n = 1; n <= 2; n++)
                {
                    var judge = SampleDirectory.JudgeId(court, division, n);
                    var caseNumber = SharedEngine.NewCaseNumber();
                    await cases.UpsertCaseAsync(Requests.Case(caseNumber, court, division, judge));
                    await intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber));
                    withTickets.Add(judge);
                }
            }
        }

        // Every person's row at the moment. The calendar file the silos loaded is a calendar change: once it has
        // settled, the sweep wakes every person to plan again, and for a moment some rows stand at "now".
        var people = cluster.Scalar("SELECT COUNT(*) FROM due_timers WHERE owner_key LIKE 'judge:%';");
        await Eventually.TrueAsync(
            () => cluster.Scalar($"SELECT COUNT(*) FROM due_timers WHERE owner_key LIKE 'judge:%' AND due_at_ms = {moment.ToUnixTimeMilliseconds()};") == people,
            $"all {people} people's rows to stand at the lists' moment", TimeSpan.FromSeconds(60));

        // The silo where the dashboard shows the most timer shards active (they are placed at random, decision 67).
        var holder = await Eventually.ValueAsync<int?>(() => TimerShardHolderAsync(cluster), h => h is not null, "the dashboard to show where the judge timer shards are active", TimeSpan.FromSeconds(60));
        var (port, generation) = (cluster.BasePort + 10 + holder!.Value, cluster.Scalar($"SELECT MAX(generation) FROM orleans_membership WHERE port = {cluster.BasePort + 10 + holder.Value}"));
        // The kill comes just before the moment, so that the lists fall due while the shards' silo is lost and not yet
        // declared dead (a pause that paces the fault, as the nemesis test's; it waits for nothing).
        var prepared = DateTimeOffset.UtcNow;
        output.WriteLine($"prepared in {(prepared - started).TotalSeconds:F1} s; the lists fall due {(moment - prepared).TotalSeconds:F1} s later");
        Assert.True(prepared <= moment - KillBefore, $"the cluster was prepared {(prepared - moment).TotalSeconds:F0} s after the lists' moment: set ENGINE_CLUSTER_LIST_LEAD above {Lead.TotalSeconds:F0} s");
        await Task.Delay(moment - KillBefore - prepared);
        var killedAt = DateTimeOffset.UtcNow;
        Assert.True(killedAt <= moment, $"the kill came {(killedAt - moment).TotalSeconds:F1} s after the lists' moment");
        await cluster.KillSiloAsync(holder.Value);
        output.WriteLine($"silo {holder} killed {(moment - killedAt).TotalSeconds:F1} s before the lists of {people} people ({withTickets.Count} with a ticket) fall due at {moment:HH:mm:ss}");

        var declaredAt = await Eventually.ValueAsync<DateTimeOffset?>(
            () => cluster.Scalar($"SELECT COUNT(*) FROM orleans_membership WHERE port = {port} AND generation = {generation} AND status = 6") > 0 ? DateTimeOffset.UtcNow : null,
            at => at is not null, $"silo {holder} to be declared dead", TimeSpan.FromSeconds(60));
        output.WriteLine($"declared dead {(declaredAt!.Value - killedAt).TotalSeconds:F1} s after the kill");

        // Every person's row moves past the moment only after their wake wrote what it published: once none is left at
        // the moment, every list that will come has come.
        var patience = moment - DateTimeOffset.UtcNow + DeclaredWithin + TimeSpan.FromSeconds(60);
        await Eventually.TrueAsync(
            () => cluster.Scalar($"SELECT COUNT(*) FROM due_timers WHERE owner_key LIKE 'judge:%' AND due_at_ms <= {moment.ToUnixTimeMilliseconds()};") == 0,
            "every person's timer to move past the lists' moment", patience);

        var digests = Digests(cluster);
        var day = moment.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ofTheDay = digests.Where(d => d.Day == day).ToList();
        var outageEnd = declaredAt.Value > moment ? declaredAt.Value : moment;
        output.WriteLine($"{ofTheDay.Count} lists, {(ofTheDay.Max(d => d.At) - moment).TotalSeconds:F1} s after the moment at the latest; the outage ended {(outageEnd - moment).TotalSeconds:F1} s after it");
        Assert.Equal(withTickets.Order(StringComparer.Ordinal), ofTheDay.Select(d => d.JudgeId).Order(StringComparer.Ordinal));
        Assert.Equal(ofTheDay.Count, digests.Count);
        Assert.All(ofTheDay, d => Assert.True(d.At >= moment, $"{d.JudgeId}'s list came {(moment - d.At).TotalSeconds:F1} s before its moment"));
        Assert.All(ofTheDay, d => Assert.True(d.At <= outageEnd + StepBound, $"{d.JudgeId}'s list came {(d.At - outageEnd).TotalSeconds:F1} s after the later of its moment and the outage's end (bound {StepBound.TotalSeconds} s)"));
    }

    public void Dispose() => _files.Dispose();

    private static DateTimeOffset WholeSecond(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, at.Minute, at.Second, at.Offset);

    /// <summary>A calendar of the moment's year without holidays, with the moment's day a make-up working day when it is
    /// a weekend day (the file's year replaces the built-in one).</summary>
    private string WorkingDayCalendar(DateTimeOffset moment)
    {
        var date = DateOnly.FromDateTime(moment.DateTime);
        var workdays = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? new[] { date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } : [];
        var file = Path.Combine(_files.Path, $"calendar-{date.Year}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            about = "ClusterJudgeTimerTests: no holidays, the test's day a working day.",
            year = date.Year,
            timeZone = Shanghai.Id,
            holidays = Array.Empty<object>(),
            workdays,
        }));
        return file;
    }

    /// <summary>The silo (1, 2, 3) on which the dashboard counts the most DueTimerShardGrain activations, once all 16 are
    /// counted; null until then.</summary>
    private static async Task<int?> TimerShardHolderAsync(ClusterUnderTest cluster)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string json;
        try
        {
            json = await http.GetStringAsync(new Uri($"http://127.0.0.1:{cluster.BasePort + 41}/dashboard/DashboardCounters"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }

        var perSilo = new Dictionary<int, int>();
        foreach (var (silo, count) in TimerShardActivations(JsonDocument.Parse(json).RootElement))
        {
            for (var n = 1; n <= 3; n++)
            {
                if (silo.Contains(":" + (cluster.BasePort + 10 + n).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
                {
                    perSilo[n] = perSilo.GetValueOrDefault(n) + count;
                }
            }
        }

        return perSilo.Values.Sum() >= 16 ? perSilo.MaxBy(p => p.Value).Key : null;
    }

    /// <summary>(silo address, activations) of every grain statistic of the timer shards in the dashboard's counters.</summary>
    private static IEnumerable<(string Silo, int Count)> TimerShardActivations(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var found in element.EnumerateArray().SelectMany(TimerShardActivations))
            {
                yield return found;
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            var properties = element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase);
            if (properties.TryGetValue("grainType", out var type) && type.ValueKind == JsonValueKind.String && type.GetString()!.Contains("DueTimerShardGrain", StringComparison.Ordinal)
                && properties.TryGetValue("siloAddress", out var silo) && properties.TryGetValue("activationCount", out var count))
            {
                yield return (silo.ToString(), count.GetInt32());
            }
            else
            {
                foreach (var found in properties.Values.SelectMany(TimerShardActivations))
                {
                    yield return found;
                }
            }
        }
    }

    private static List<(string JudgeId, string Day, DateTimeOffset At)> Digests(ClusterUnderTest cluster)
    {
        using var connection = cluster.OpenDatabase();
        using var command = new NpgsqlCommand("SELECT aggregate_id, at_ms, payload FROM events WHERE event_type = 'judge.digest';", connection);
        using var reader = command.ExecuteReader();
        var digests = new List<(string, string, DateTimeOffset)>();
        while (reader.Read())
        {
            var digest = Google.Protobuf.WellKnownTypes.Any.Parser.ParseFrom((byte[])reader[2]).Unpack<V1.JudgeDigest>();
            digests.Add((reader.GetString(0)["judge/".Length..], digest.Day, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        }

        return digests;
    }
}
