using System.Globalization;
using System.Text.Json.Nodes;
using Engine.Storage.Databases;

namespace Engine.Load;

/// <summary>What the timer bursts (<c>timers</c>, <c>hearings</c>) share: court time, a calendar that makes the day
/// of the burst a working day, and the watch over the rows of <c>due_timers</c> as they drain.</summary>
internal static class Burst
{
    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateTimeOffset LocalNow() => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai);

    public static DateTimeOffset NextMinute(DateTimeOffset at) =>
        new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, at.Offset).AddMinutes(1);

    /// <summary>A calendar file for the year of <paramref name="day"/> (court time) without holidays, with that day a
    /// make-up working day when it falls on a weekend: a burst runs on real time, whatever today is.</summary>
    public static string WorkingDayCalendar(string data, DateTimeOffset day)
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
            ["about"] = "Engine.Load: a year without holidays, the day of the burst a working day.",
            ["year"] = date.Year, ["timeZone"] = Shanghai.Id, ["holidays"] = new JsonArray(), ["workdays"] = workdays,
        }.ToJsonString());
        return file;
    }

    /// <summary>The moment of a burst, the next whole minute at least <paramref name="leadSeconds"/> ahead (court time),
    /// with a calendar making its day a working day, and every timer row of the owners starting with
    /// <paramref name="ownerPrefix"/> set to it; recorded in <paramref name="report"/>.</summary>
    public static (DateTimeOffset Moment, string Calendar, int Rows) MakeDue(Database database, string data, string ownerPrefix, int leadSeconds, Dictionary<string, object> report)
    {
        var moment = NextMinute(LocalNow().AddSeconds(leadSeconds));
        var calendar = WorkingDayCalendar(data, moment);
        var rows = database.Execute("UPDATE due_timers SET due_at_ms = @t WHERE owner_key LIKE @p;", ("@t", moment.ToUnixTimeMilliseconds()), ("@p", ownerPrefix + "%"));
        report["timerRows"] = rows;
        report["moment"] = moment.ToString("O", CultureInfo.InvariantCulture);
        return (moment, calendar, rows);
    }

    /// <summary>How a burst drained: when the last of its rows moved past the moment (NaN when the patience ran out),
    /// the engine's CPU from the moment, the median load average, the engine's memory after, and the rows still due each
    /// half second.</summary>
    public sealed record Drain(double Seconds, double CpuSeconds, double LoadAverageDuring, long RssBytes, IReadOnlyList<(double Seconds, long Due)> Samples)
    {
        /// <summary>Every fourth sample, [seconds, rows still due], for a report.</summary>
        public double[][] ForReport() => [.. Samples.Where((_, i) => i % 4 == 0).Select(s => new[] { Math.Round(s.Seconds, 1), s.Due })];
    }

    /// <summary>Waits for <paramref name="moment"/>, then counts the rows of owners starting with
    /// <paramref name="ownerPrefix"/> (e.g. <c>judge:</c>) still due at it, each half second, until none is or
    /// <paramref name="patienceSeconds"/> have passed.</summary>
    public static async Task<Drain> WatchAsync(EngineChild engine, Database database, string ownerPrefix, DateTimeOffset moment, int patienceSeconds, string what)
    {
        var wait = moment - DateTimeOffset.UtcNow;
        if (wait <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"the engine was ready {-wait.TotalSeconds:F1} s after the moment: give it a longer --lead");
        }

        await Task.Delay(wait);
        var cpuAtMoment = engine.CpuTime;
        var loads = new List<double>();
        var samples = new List<(double Seconds, long Due)>();
        var momentMs = moment.ToUnixTimeMilliseconds();
        while (true)
        {
            var due = Count(database, "SELECT COUNT(*) FROM due_timers WHERE due_at_ms <= @t AND owner_key LIKE @p;", ("@t", momentMs), ("@p", ownerPrefix + "%"));
            var elapsed = (DateTimeOffset.UtcNow - moment).TotalSeconds;
            samples.Add((elapsed, due));
            loads.Add(LoadAverage());
            if (samples.Count % 10 == 1)
            {
                Console.WriteLine($"  {elapsed,6:F1} s: {due:N0} {what} still to wake, engine CPU {(engine.CpuTime - cpuAtMoment).TotalSeconds:F1} s");
            }

            if (due == 0 || elapsed > patienceSeconds)
            {
                if (due > 0)
                {
                    Console.WriteLine($"gave up after {patienceSeconds} s with {due:N0} {what} still to wake");
                }

                return new Drain(due == 0 ? elapsed : double.NaN, (engine.CpuTime - cpuAtMoment).TotalSeconds, loads.Order().ElementAt(loads.Count / 2), engine.RssBytes, samples);
            }

            await Task.Delay(500);
        }
    }

    /// <summary>The figures of a drain every burst report carries, per wake of <paramref name="wakes"/>.</summary>
    public static void Report(Dictionary<string, object> report, Drain drain, int wakes)
    {
        report["loadAverageDuring"] = drain.LoadAverageDuring;
        report["rssAfterBytes"] = drain.RssBytes;
        report["drainSeconds"] = drain.Seconds;
        report["wakesPerSecond"] = wakes / drain.Seconds;
        report["engineCpuSeconds"] = drain.CpuSeconds;
        report["engineCores"] = drain.CpuSeconds / drain.Seconds;
        report["engineCpuPerWakeMicroseconds"] = drain.CpuSeconds * 1e6 / wakes;
        report["dueAfterSeconds"] = drain.ForReport();
    }

    /// <summary>Adds the lateness after the moment (ms, ascending) to <paramref name="report"/>, prints it and writes it
    /// to <paramref name="path"/>.</summary>
    public static async Task WriteReportAsync(Dictionary<string, object> report, double[] lateness, string path)
    {
        report["latenessMs"] = RunOptions.Percentiles(lateness);
        var json = RunOptions.Report(report);
        Console.WriteLine(json);
        await File.WriteAllTextAsync(path, json);
    }

    public static long Count(Database database, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Add(name, value);
        }

        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public static double LoadAverage() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
        : double.NaN;
}
