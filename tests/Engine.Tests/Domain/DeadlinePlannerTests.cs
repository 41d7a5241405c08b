using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Grains.Deadlines;
using Microsoft.Extensions.Time.Testing;

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
            Assert.Equal(DeadlinePolicy.DefaultFor(kind), planner.For("any-court", kind).Policy);
        }

        Assert.Equal(TimeSpan.FromHours(7.5), planner.For(null, TicketKind.ContactJudge).Calendar.WorkingDay);
    }

    [Fact]
    public void A_court_s_kind_beats_the_court_s_all_which_beats_the_kind_which_beats_all()
    {
        var planner = Planner(Configured);

        var elsewhere = planner.For("sh-high", TicketKind.ContactJudge).Policy;
        Assert.Equal(new DeadlinePolicy(new DeadlineSpan(4, DeadlineUnit.WorkingHours), 0.75, DeadlineSpan.WorkingDays(1), DeadlineSpan.WorkingDays(5)), elsewhere);

        var pudongContact = planner.For("sh-pudong", TicketKind.ContactJudge).Policy;
        Assert.Equal(new DeadlinePolicy(new DeadlineSpan(4, DeadlineUnit.WorkingHours), 0.5, DeadlineSpan.WorkingDays(1), DeadlineSpan.WorkingDays(5)), pudongContact);

        var pudongSuggestion = planner.For("sh-pudong", TicketKind.Suggestion).Policy;
        Assert.Equal(DeadlineSpan.WorkingDays(10), pudongSuggestion.Reply);
        Assert.Equal(0.5, pudongSuggestion.WarningShare);
    }

    [Fact]
    public void A_court_with_its_own_working_hours_counts_its_own_working_day()
    {
        var planner = Planner(Configured);

        Assert.Equal(TimeSpan.FromHours(7), planner.For("sh-pudong", TicketKind.Consultation).Calendar.WorkingDay);
        Assert.Equal(TimeSpan.FromHours(7.5), planner.For("sh-high", TicketKind.Consultation).Calendar.WorkingDay);
    }

    [Fact]
    public void The_start_up_check_refuses_a_year_with_no_calendar_and_names_it()
    {
        var in2027 = new DeadlineOptionsValidator(new FakeTimeProvider(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.FromHours(8))));
        var in2026 = new DeadlineOptionsValidator(new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(8))));

        var refused = in2027.Validate(null, new DeadlineOptions());

        Assert.True(refused.Failed);
        Assert.Contains("2027", refused.FailureMessage);
        Assert.Contains("Engine:Deadlines:CalendarFiles", refused.FailureMessage);
        Assert.True(in2026.Validate(null, new DeadlineOptions()).Succeeded);
    }

    [Fact]
    public void A_calendar_file_adds_a_year()
    {
        var file = Path.Combine(Path.GetTempPath(), $"calendar-cn-2027-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "year": 2027, "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-01" } ], "workdays": [] }""");
        try
        {
            var validator = new DeadlineOptionsValidator(new FakeTimeProvider(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.FromHours(8))));
            var options = new DeadlineOptions { CalendarFiles = [file] };

            Assert.True(validator.Validate(null, options).Succeeded);
            Assert.False(Planner(options).For(null, TicketKind.ContactJudge).Calendar.IsWorkingDay(new DateOnly(2027, 1, 1)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static DeadlinePlanner Planner(DeadlineOptions options) => new(options);
}
