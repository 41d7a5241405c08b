using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using Engine.Domain;
using Engine.Domain.Calendar;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Deadlines;

/// <summary>The policy and the working-time calendar of a court and kind, from <see cref="DeadlineOptions"/>. Built
/// once per configuration (and again when it changes); a bad configuration fails start-up naming the setting.</summary>
public sealed class DeadlinePlanner : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile Plans _plans;

    public DeadlinePlanner(IOptionsMonitor<DeadlineOptions> options)
    {
        _plans = Plans.Build(options.CurrentValue);
        _subscription = options.OnChange(changed =>
        {
            // A bad edit keeps the last good plans; the validator has already said what is wrong.
            try
            {
                _plans = Plans.Build(changed);
            }
            catch (FormatException)
            {
            }
        });
    }

    /// <summary>A planner for a fixed configuration.</summary>
    public DeadlinePlanner(DeadlineOptions options) => _plans = Plans.Build(options);

    public bool KeepDeadlineOnTransfer => _plans.KeepOnTransfer;

    public (DeadlinePolicy Policy, BusinessCalendar Calendar) For(string? courtId, TicketKind kind) => _plans.For(courtId, kind);

    /// <summary>A ticket's next clock from <paramref name="at"/>, on the policy of its court and kind.</summary>
    public TicketDeadlines StartClock(TicketDeadlines? current, string? courtId, TicketKind kind, ClockCause cause, DateTimeOffset at)
    {
        var (policy, calendar) = _plans.For(courtId, kind);
        return (current ?? TicketDeadlines.None).Start(cause, at, policy, calendar);
    }

    public void Dispose() => _subscription?.Dispose();

    /// <summary>The built-in calendars (samples/calendar-cn-*.json, embedded) and the configured files, by year.</summary>
    public static IReadOnlyList<CalendarYear> LoadCalendars(IEnumerable<string> files)
    {
        var years = new SortedDictionary<int, CalendarYear>();
        var assembly = typeof(DeadlinePlanner).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("calendars/", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var year = CalendarYear.Parse(reader.ReadToEnd());
            years[year.Year] = year;
        }

        foreach (var file in files)
        {
            try
            {
                var year = CalendarYear.Parse(File.ReadAllText(file));
                years[year.Year] = year;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new FormatException($"Engine:Deadlines:CalendarFiles: {file} could not be read as a holiday calendar ({ex.Message})", ex);
            }
        }

        return [.. years.Values];
    }

    private sealed class Plans
    {
        private readonly Dictionary<(string? Court, TicketKind Kind), DeadlinePolicy> _policies = [];
        private readonly Dictionary<string, BusinessCalendar> _courtCalendars = new(StringComparer.Ordinal);
        private readonly DeadlineOptions _options;
        private readonly BusinessCalendar _calendar;

        private Plans(DeadlineOptions options, IReadOnlyList<CalendarYear> years)
        {
            _options = options;
            KeepOnTransfer = options.KeepDeadlineOnTransfer;
            _calendar = Calendar(years, options.TimeZone, options.WorkingHours, "Engine:Deadlines");
            foreach (var kind in Enum.GetValues<TicketKind>())
            {
                _policies[(null, kind)] = Merge(Merge(DeadlinePolicy.DefaultFor(kind), options.All, "Engine:Deadlines:All"), options.Kinds.GetValueOrDefault(kind), $"Engine:Deadlines:Kinds:{kind}");
            }

            foreach (var (court, overrides) in options.Courts)
            {
                var prefix = $"Engine:Deadlines:Courts:{court}";
                _courtCalendars[court] = overrides.TimeZone is null && overrides.WorkingHours is null
                    ? _calendar
                    : Calendar(years, overrides.TimeZone ?? options.TimeZone, overrides.WorkingHours ?? options.WorkingHours, prefix);
                foreach (var kind in Enum.GetValues<TicketKind>())
                {
                    _policies[(court, kind)] = Merge(Merge(_policies[(null, kind)], overrides.All, prefix + ":All"), overrides.Kinds.GetValueOrDefault(kind), $"{prefix}:Kinds:{kind}");
                }
            }
        }

        public bool KeepOnTransfer { get; }

        public static Plans Build(DeadlineOptions options) => new(options, LoadCalendars(options.CalendarFiles));

        public (DeadlinePolicy, BusinessCalendar) For(string? courtId, TicketKind kind) =>
            courtId is not null && _options.Courts.ContainsKey(courtId)
                ? (_policies[(courtId, kind)], _courtCalendars[courtId])
                : (_policies[(null, kind)], _calendar);

        private static DeadlinePolicy Merge(DeadlinePolicy policy, KindDeadlineOptions? overrides, string prefix)
        {
            if (overrides is null)
            {
                return policy;
            }

            if (overrides.WarningShare is { } share && share is not (>= 0 and < 1))
            {
                throw new FormatException($"{prefix}:WarningShare must be at least 0 and below 1 (it is {share.ToString(CultureInfo.InvariantCulture)})");
            }

            return new DeadlinePolicy(
                Span(overrides.Reply, policy.Reply, prefix + ":Reply"),
                overrides.WarningShare ?? policy.WarningShare,
                Span(overrides.Supervision, policy.Supervision, prefix + ":Supervision"),
                Span(overrides.SpecialSupervision, policy.SpecialSupervision, prefix + ":SpecialSupervision"));
        }

        private static DeadlineSpan Span(string? text, DeadlineSpan fallback, string key)
        {
            try
            {
                return text is null ? fallback : DeadlineSpan.Parse(text);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{key}: {ex.Message}", ex);
            }
        }

        private static BusinessCalendar Calendar(IReadOnlyList<CalendarYear> years, string zoneId, string[]? hours, string prefix)
        {
            TimeZoneInfo zone;
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new FormatException($"{prefix}:TimeZone: '{zoneId}' is not a time zone this machine knows", ex);
            }

            try
            {
                return new BusinessCalendar(zone, years, hours?.Select((h, i) => Period(h, $"{prefix}:WorkingHours:{i}")));
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"{prefix}:WorkingHours: {ex.Message}", ex);
            }
        }

        private static (TimeOnly, TimeOnly) Period(string text, string key)
        {
            var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
            return parts.Length == 2
                && TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                && TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
                ? (start, end)
                : throw new FormatException($"{key}: '{text}' is not a working period: write e.g. \"08:30-12:00\"");
        }
    }
}

/// <summary>Checks the deadline configuration at start-up (and on every change): every span, share, zone and
/// period readable, and a holiday calendar loaded for the current year.</summary>
public sealed class DeadlineOptionsValidator([FromKeyedServices(EngineClock.Key)] TimeProvider time) : IValidateOptions<DeadlineOptions>
{
    public ValidateOptionsResult Validate(string? name, DeadlineOptions options)
    {
        try
        {
            var planner = new DeadlinePlanner(options);
            var (_, calendar) = planner.For(null, TicketKind.Unspecified);
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), calendar.Zone).DateTime);
            calendar.IsWorkingDay(today);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
        catch (CalendarYearMissingException ex)
        {
            return ValidateOptionsResult.Fail($"{ex.Message} (Engine:Deadlines:CalendarFiles)");
        }
    }
}
