using System.Globalization;
using Engine.Domain;
using Engine.Domain.Calendar;
using Microsoft.Extensions.Time.Testing;
using Engine.Grains.Deadlines;

namespace Engine.Tests.DomainTests;

/// <summary>Which policy and calendar a court and kind get from the configuration, and what the start-up check refuses.</summary>
public sealed class DeadlinePlannerTests
{
    private static readonly DeadlineOptions Configured = new()
    {
        All = new KindDeadlineOptions { SpecialSupervision = "5 working days" },
        Kinds = { [TicketKind.ContactJudge] = new KindDeadlineOptions { Reply = "4 working hours" } },
        Courts =
        {
            ["sh-pudong"] = new CourtDeadlineOptions
            {
                WorkingHours = ["09:00-12:00", "13:00-17:00"],
                All = new KindDeadlineOptions { WarningShare = 0.5 },
                Kinds = { [TicketKind.Suggestion] = new KindDeadlineOptions { Reply = "10 working days" } },
            },
        },
    };

    [Fact]
    public void Without_configuration_every_kind_gets_the_defaults_of_the_design()
    {
        var planner = Planner(new DeadlineOptions());

        foreach (var kind in Enum.GetValues<TicketKind>())
        {
            Assert.Equal(DeadlinePolicy.DefaultFor(kind), planner.PlanFor("any-court", kind).Policy);
        }

        Assert.Equal(TimeSpan.FromHours(7.5), planner.PlanFor(null, TicketKind.ContactJudge).Calendar.WorkingDay);
    }

    [Fact]
    public void A_court_s_kind_beats_the_court_s_all_which_beats_the_kind_which_beats_all()
    {
        var planner = Planner(Configured);

        var elsewhere = planner.PlanFor("sh-high", TicketKind.ContactJudge).Policy;
        Assert.Equal(new DeadlinePolicy(new DeadlineSpan(4, DeadlineUnit.WorkingHours), 0.75, DeadlineSpan.WorkingDays(1), DeadlineSpan.WorkingDays(5)), elsewhere);

        var pudongContact = planner.PlanFor("sh-pudong", TicketKind.ContactJudge).Policy;
        Assert.Equal(new DeadlinePolicy(new DeadlineSpan(4, DeadlineUnit.WorkingHours), 0.5, DeadlineSpan.WorkingDays(1), DeadlineSpan.WorkingDays(5)), pudongContact);

        var pudongSuggestion = planner.PlanFor("sh-pudong", TicketKind.Suggestion).Policy;
        Assert.Equal(DeadlineSpan.WorkingDays(10), pudongSuggestion.Reply);
        Assert.Equal(0.5, pudongSuggestion.WarningShare);
    }

    [Fact]
    public void A_court_with_its_own_working_hours_counts_its_own_working_day()
    {
        var planner = Planner(Configured);

        Assert.Equal(TimeSpan.FromHours(7), planner.PlanFor("sh-pudong", TicketKind.Consultation).Calendar.WorkingDay);
        Assert.Equal(TimeSpan.FromHours(7.5), planner.PlanFor("sh-high", TicketKind.Consultation).Calendar.WorkingDay);
    }

    [Fact]
    public void The_start_up_check_accepts_a_year_with_no_calendar_it_is_counted_provisionally()
    {
        Assert.True(new DeadlineOptionsValidator().Validate(null, new DeadlineOptions()).Succeeded);
        Assert.False(Planner(new DeadlineOptions()).PlanFor(null, TicketKind.ContactJudge).Calendar.IsExact(2027));
    }

    [Theory]
    [InlineData("PollInterval", "00:00:00", "Engine:Deadlines:PollInterval must be more than 0")]
    [InlineData("FireBatchSize", "0", "Engine:Deadlines:FireBatchSize must be between 1 and 100000 (it is 0)")]
    [InlineData("MaxWakesPerSilo", "0", "Engine:Deadlines:MaxWakesPerSilo must be between 1 and 100000 (it is 0)")]
    [InlineData("CalendarRefreshInterval", "-00:00:01", "Engine:Deadlines:CalendarRefreshInterval must be more than 0")]
    [InlineData("CalendarWarnFrom", "13-01", "Engine:Deadlines:CalendarWarnFrom must be a month and day written MM-dd")]
    public void The_start_up_check_refuses_a_polling_setting_out_of_range_and_names_it(string setting, string value, string expected)
    {
        var options = new DeadlineOptions();
        var property = typeof(DeadlineOptions).GetProperty(setting)!;
        property.SetValue(options, property.PropertyType == typeof(TimeSpan) ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : property.PropertyType == typeof(int) ? int.Parse(value, CultureInfo.InvariantCulture) : value);

        var refused = new DeadlineOptionsValidator().Validate(null, options);

        Assert.True(refused.Failed);
        Assert.StartsWith(expected, refused.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_file_that_is_not_a_sound_calendar_is_refused_naming_the_file_and_the_date()
    {
        var file = Path.Combine(Path.GetTempPath(), $"calendar-cn-2027-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "year": 2027, "holidays": [], "workdays": ["2027-01-06"] }""");
        try
        {
            var refused = new DeadlineOptionsValidator().Validate(null, new DeadlineOptions { CalendarFiles = [file] });

            Assert.True(refused.Failed);
            Assert.Contains(file, refused.FailureMessage, StringComparison.Ordinal);
            Assert.Contains("workdays[0]: 2027-01-06 is a Wednesday", refused.FailureMessage, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_calendar_file_adds_a_year()
    {
        var file = Path.Combine(Path.GetTempPath(), $"calendar-cn-2027-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "year": 2027, "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-01" } ], "workdays": [] }""");
        try
        {
            var validator = new DeadlineOptionsValidator();
            var options = new DeadlineOptions { CalendarFiles = [file] };

            Assert.True(validator.Validate(null, options).Succeeded);
            Assert.False(Planner(options).PlanFor(null, TicketKind.ContactJudge).Calendar.IsWorkingDay(new DateOnly(2027, 1, 1)));
            Assert.True(Planner(options).PlanFor(null, TicketKind.ContactJudge).Calendar.IsExact(2027));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static DeadlinePlanner Planner(DeadlineOptions options) => new(options);
}
