using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json.Nodes;
using Engine.Domain;
using Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Operators are told ahead that next year has no working calendar: from 1 November (Engine:Deadlines:CalendarWarnFrom)
/// the health detail turns Degraded naming the year, the supervision page shows a banner (Browser/), the metric
/// engine.calendar.missing_years counts it, and the log says so once a day; all of it clears when the year is put.
/// </summary>
public sealed class CalendarWarningTests
{

    [Fact]
    public async Task A_missing_next_year_is_reported_from_the_first_of_November_until_its_calendar_is_put()
    {
        var clock = new FakeTimeProvider(Local("2026-10-31 12:00"));
        using var logs = new CapturedLogs();
        using var metric = new MissingYearsMetric();
        await using var engine = await EngineInstance.StartWithServicesAsync(
            services =>
            {
                services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock);
                services.AddSingleton<ILoggerProvider>(logs);
            },
            "--Engine:Deadlines:CalendarRefreshInterval=00:00:00.100");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.DashboardPort}") };
        metric.Watch(engine.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString());

        var october = await HealthAsync(http);
        Assert.Equal("Healthy", october["status"]!.GetValue<string>());
        Assert.Empty(await NoticesAsync(http));

        clock.SetUtcNow(Local("2026-11-01 08:00"));
        await Eventually.TrueAsync(() => metric.Value == 1 && WatchLines(logs).Count == 1, "the watch to notice");
        var november = await HealthAsync(http);
        Assert.Equal("Degraded", november["status"]!.GetValue<string>());
        var check = november["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "calendars")!;
        Assert.Contains("2027", check["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([2027], check["data"]!["missing_years"]!.AsArray().Select(y => y!.GetValue<int>()));
        Assert.Contains("2027", Assert.Single(await NoticesAsync(http)), StringComparison.Ordinal);

        // Once a day in the log, not at every look.
        clock.SetUtcNow(Local("2026-11-01 17:00"));
        await metric.NextReadingsAsync(6);
        Assert.Single(WatchLines(logs));
        clock.SetUtcNow(Local("2026-11-02 08:00"));
        await Eventually.TrueAsync(() => WatchLines(logs).Count == 2, "the next day's line");

        await new V1.CalendarService.CalendarServiceClient(engine.Channel).PutCalendarAsync(new V1.PutCalendarRequest
        {
            Json = """{ "about": "test calendar", "year": 2027, "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ], "workdays": [] }""",
        });
        await Eventually.TrueAsync(() => metric.Value == 0, "the metric to clear");
        Assert.Equal("Healthy", (await HealthAsync(http))["status"]!.GetValue<string>());
        Assert.Empty(await NoticesAsync(http));
    }

    [Fact]
    public async Task The_current_year_without_a_calendar_is_reported_whatever_the_day()
    {
        var clock = new FakeTimeProvider(Local("2028-03-01 12:00"));
        await using var engine = await EngineInstance.StartWithServicesAsync(services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.DashboardPort}") };

        var health = await HealthAsync(http);

        Assert.Equal("Degraded", health["status"]!.GetValue<string>());
        Assert.Equal([2028], health["checks"]![0]!["data"]!["missing_years"]!.AsArray().Select(y => y!.GetValue<int>()));
        Assert.Equal([2028, 2029], (await new V1.CalendarService.CalendarServiceClient(engine.Channel).ListCalendarsAsync(new V1.ListCalendarsRequest())).ProvisionalYears);
    }

    private static List<string> WatchLines(CapturedLogs logs) =>
        [.. logs.Containing("no working calendar is stored for 2027").Where(l => l.Contains("CalendarWatchService", StringComparison.Ordinal))];

    private static async Task<JsonNode> HealthAsync(HttpClient http) => JsonNode.Parse(await http.GetStringAsync("/health"))!;

    private static async Task<List<string>> NoticesAsync(HttpClient http) =>
        [.. JsonNode.Parse(await http.GetStringAsync("/supervision/api/notices"))!["notices"]!.AsArray().Select(n => n!.GetValue<string>())];


    /// <summary>The last value of engine.calendar.missing_years that one engine's silo published (other tests' engines
    /// run in this process too).</summary>
    private sealed class MissingYearsMetric : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Timer _timer;
        private int _readings;
        private volatile string? _silo;

        public MissingYearsMetric()
        {
            Value = -1;
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "engine.calendar.missing_years")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "silo" && Equals(tag.Value, _silo))
                    {
                        Value = value;
                        Interlocked.Increment(ref _readings);
                    }
                }
            });
            _listener.Start();
            _timer = new Timer(_ => _listener.RecordObservableInstruments(), null, 0, 50);
        }

        public int Value { get; private set; }

        public void Watch(string silo) => _silo = silo;

        public int Readings => Volatile.Read(ref _readings);

        /// <summary>Waits for <paramref name="count"/> more readings (50 ms apart): a window in which the watch, looking
        /// every 100 ms, has looked several times. There is no event to wait on for something that must not happen.</summary>
        public Task NextReadingsAsync(int count)
        {
            var target = Readings + count;
            return Eventually.TrueAsync(() => Readings >= target, $"{count} readings of the metric");
        }

        public void Dispose()
        {
            _timer.Dispose();
            _listener.Dispose();
        }
    }
}
