using System.Globalization;
using Engine.Domain;
using Engine.Domain.Calendar;
using Microsoft.Extensions.Options;
using Engine.Grains.Calendars;

namespace Engine.Grains.Deadlines;

/// <summary>The policy and the working-time calendar of a court and kind, from <see cref="DeadlineOptions"/> and the
/// stored calendars (<see cref="CalendarBook"/>). Built again when either changes; a bad configuration fails start-up
/// naming the setting, and a bad edit later keeps the last good plans.</summary>
public sealed class DeadlinePlanner : IDeadlineRules, IDisposable
{
    private readonly IDisposable? _subscription;
    private readonly IOptionsMonitor<DeadlineOptions>? _options;
    private readonly CalendarBook? _calendars;
    private readonly Lock _building = new();
    private volatile Plans _plans;

    public DeadlinePlanner(IOptionsMonitor<DeadlineOptions> options, CalendarBook calendars)
    {
        _options = options;
        _calendars = calendars;
        _plans = Plans.Build(options.CurrentValue, calendars.Current.Years, calendars.Current.Version);
        calendars.Changed += _ => Rebuild();
        _subscription = options.OnChange(changed =>
        {
            // A bad edit keeps the last good plans; the validator has already said what is wrong.
            try
            {
                calendars.Seed(changed.CalendarFiles);
                calendars.Refresh();
                Rebuild();
            }
            catch (FormatException)
            {
            }
        });
    }

    /// <summary>A planner for a fixed configuration, on the built-in and configured calendars (no database).</summary>
    public DeadlinePlanner(DeadlineOptions options) => _plans = Plans.Build(options, CalendarSeeds.Years(options.CalendarFiles), 0);

    public bool KeepDeadlineOnTransfer => _plans.KeepOnTransfer;

    /// <summary>The version of the calendars the plans count on.</summary>
    public long CalendarVersion => _plans.CalendarVersion;

    public (DeadlinePolicy Policy, BusinessCalendar Calendar) PlanFor(string? courtId, TicketKind kind) => _plans.For(courtId, kind);

    /// <summary>Makes sure the plans count on calendars of at least <paramref name="version"/> (reading them again if
    /// this silo has not seen that change yet).</summary>
    public void EnsureCalendarVersion(long version) => _calendars?.EnsureAtLeast(version);

    public void Dispose() => _subscription?.Dispose();

    private void Rebuild()
    {
        lock (_building)
        {
            _plans = Plans.Build(_options!.CurrentValue, _calendars!.Current.Years, _calendars.Current.Version);
        }
    }

    private sealed class Plans
    {
        private readonly Dictionary<(string? Court, TicketKind Kind), DeadlinePolicy> _policies = [];
        private readonly Dictionary<string, BusinessCalendar> _courtCalendars = new(StringComparer.Ordinal);
        private readonly DeadlineOptions _options;
        private readonly BusinessCalendar _calendar;

        private Plans(DeadlineOptions options, IReadOnlyList<CalendarYear> years, long version)
        {
            _options = options;
            CalendarVersion = version;
            KeepOnTransfer = options.KeepDeadlineOnTransfer;
            _calendar = Calendar(years, version, options.TimeZone, options.WorkingHours, "Engine:Deadlines");
            foreach (var kind in Enum.GetValues<TicketKind>())
            {
                _policies[(null, kind)] = Merge(Merge(DeadlinePolicy.DefaultFor(kind), options.All, "Engine:Deadlines:All"), options.Kinds.GetValueOrDefault(kind), $"Engine:Deadlines:Kinds:{kind}");
            }

            foreach (var (court, overrides) in options.Courts)
            {
                var prefix = $"Engine:Deadlines:Courts:{court}";
                _courtCalendars[court] = overrides.TimeZone is null && overrides.WorkingHours is null
                    ? _calendar
                    : Calendar(years, version, overrides.TimeZone ?? options.TimeZone, overrides.WorkingHours ?? options.WorkingHours, prefix);
                foreach (var kind in Enum.GetValues<TicketKind>())
                {
                    _policies[(court, kind)] = Merge(Merge(_policies[(null, kind)], overrides.All, prefix + ":All"), overrides.Kinds.GetValueOrDefault(kind), $"{prefix}:Kinds:{kind}");
                }
            }
        }

        public bool KeepOnTransfer { get; }

        public long CalendarVersion { get; }

        public static Plans Build(DeadlineOptions options, IEnumerable<CalendarYear> years, long version) => new(options, [.. years], version);

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

        private static BusinessCalendar Calendar(IReadOnlyList<CalendarYear> years, long version, string zoneId, string[]? hours, string prefix)
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
                return new BusinessCalendar(zone, years, hours?.Select((h, i) => Period(h, $"{prefix}:WorkingHours:{i}")), version);
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
/// period readable, every calendar file a sound calendar, the polling settings in range. A year without a calendar is
/// not an error: it is counted provisionally, and the engine warns ahead (<see cref="Calendars.CalendarWatchService"/>).</summary>
public sealed class DeadlineOptionsValidator : IValidateOptions<DeadlineOptions>
{
    public ValidateOptionsResult Validate(string? name, DeadlineOptions options)
    {
        if (options.PollInterval <= TimeSpan.Zero || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            return ValidateOptionsResult.Fail($"Engine:Deadlines:PollInterval must be more than 0 and at most 00:01:00 (it is {options.PollInterval})");
        }

        if (options.FireBatchSize is < 1 or > 100_000)
        {
            return ValidateOptionsResult.Fail($"Engine:Deadlines:FireBatchSize must be between 1 and 100000 (it is {options.FireBatchSize})");
        }

        if (options.MaxWakesPerSilo is < 1 or > 100_000)
        {
            return ValidateOptionsResult.Fail($"Engine:Deadlines:MaxWakesPerSilo must be between 1 and 100000 (it is {options.MaxWakesPerSilo})");
        }

        if (options.CalendarRefreshInterval <= TimeSpan.Zero || options.CalendarRefreshInterval > TimeSpan.FromHours(1))
        {
            return ValidateOptionsResult.Fail($"Engine:Deadlines:CalendarRefreshInterval must be more than 0 and at most 01:00:00 (it is {options.CalendarRefreshInterval})");
        }

        if (!DeadlineOptions.TryParseMonthDay(options.CalendarWarnFrom, out _))
        {
            return ValidateOptionsResult.Fail($"Engine:Deadlines:CalendarWarnFrom must be a month and day written MM-dd, e.g. 11-01 (it is '{options.CalendarWarnFrom}')");
        }

        try
        {
            _ = new DeadlinePlanner(options);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
