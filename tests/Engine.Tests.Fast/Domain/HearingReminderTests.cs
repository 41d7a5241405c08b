using System.Collections.Immutable;
using System.Globalization;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Domain.Hearings;
using Engine.Grains.Cases;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.DomainTests;

/// <summary>When a hearing's reminder is due on the 2026 mainland calendar (09:00 Asia/Shanghai the working day before,
/// holidays skipped, make-up working days counted, or a fixed lead), and how the nodes recorded change a case's hearings
/// (decision 62).</summary>
public sealed class HearingReminderTests
{
    private static readonly BusinessCalendar Calendar = new(
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
        [CalendarYear.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "calendar-cn-2026.json")))]);

    [Theory]
    [InlineData("2026-09-29 14:00", 1, "2026-09-28 09:00")] // a Tuesday: Monday
    [InlineData("2026-10-08 10:00", 1, "2026-09-30 09:00")] // the Thursday after National Day: the holiday is skipped
    [InlineData("2026-10-12 09:30", 1, "2026-10-10 09:00")] // a Monday: the make-up Saturday before it counts
    [InlineData("2026-10-09 09:30", 2, "2026-09-30 09:00")] // two working days before a Friday after the holiday
    [InlineData("2026-09-21 08:00", 1, "2026-09-20 09:00")] // a Monday after the make-up Sunday
    public void The_reminder_is_at_nine_on_the_working_day_before_the_hearing(string hearing, int days, string expected) =>
        Assert.Equal(Local(expected), HearingReminder.Planned(Calendar, Local(hearing), days, HearingReminder.DefaultAt, lead: null));

    [Fact]
    public void A_configured_lead_counts_back_from_the_hearing_itself() =>
        Assert.Equal(Local("2026-10-08 09:58"), HearingReminder.Planned(Calendar, Local("2026-10-08 10:00"), 1, HearingReminder.DefaultAt, TimeSpan.FromMinutes(2)));

    [Fact]
    public void A_hearing_scheduled_within_the_lead_is_reminded_at_once_and_one_that_has_begun_not_at_all()
    {
        var planned = Local("2026-09-28 09:00");
        var hearing = Local("2026-09-29 14:00");

        Assert.Equal(planned, HearingReminder.SendAt(planned, hearing, Local("2026-09-27 12:00")));
        Assert.Equal(Local("2026-09-28 17:00"), HearingReminder.SendAt(planned, hearing, Local("2026-09-28 17:00")));
        Assert.Null(HearingReminder.SendAt(planned, hearing, hearing));
    }

    [Fact]
    public void Scheduling_again_at_the_same_time_keeps_who_was_reminded_and_at_another_time_starts_again()
    {
        var first = Schedule([], null, "2026-10-08 10:00", "第一法庭");
        var reminded = first.Select(h => h with { Reminded = ["p1"] }).ToImmutableArray();

        var same = Schedule(reminded, null, "2026-10-08 10:00", "第二法庭");
        var moved = Schedule(reminded, null, "2026-10-12 09:30", "第一法庭");

        Assert.Equal(["p1"], Assert.Single(same).Reminded.ToArray());
        Assert.Equal("第二法庭", same[0].Place);
        var only = Assert.Single(moved);
        Assert.Empty(only.Reminded);
        Assert.Equal(Local("2026-10-10 09:00"), only.RemindAt);
    }

    [Fact]
    public void A_call_off_naming_a_hearing_removes_it_and_one_naming_none_removes_every_hearing()
    {
        var two = Schedule(Schedule([], "FIRST", "2026-10-08 10:00", null), "SECOND", "2026-10-12 09:30", null);

        Assert.Equal(["SECOND"], HearingPlan.Apply(two, HearingEffect.Cancelled, "FIRST", null, null, Plan).Select(h => h.Id));
        Assert.Empty(HearingPlan.Apply(two, HearingEffect.Postponed, null, null, null, Plan));
        Assert.Equal(Local("2026-10-20 09:30"), HearingPlan.Apply(two, HearingEffect.Postponed, "FIRST", Local("2026-10-20 09:30"), null, Plan).Single(h => h.Id == "FIRST").At);
        Assert.Equal(two, HearingPlan.Apply(two, HearingEffect.None, null, null, null, Plan));
    }

    [Fact]
    public void Each_party_is_due_once_and_the_next_wake_skips_hearings_everyone_has_heard_of()
    {
        var hearings = Schedule([], null, "2026-10-08 10:00", null);
        string[] parties = ["p1", "p2"];

        Assert.Null(HearingPlan.Due(hearings, parties, Local("2026-09-30 08:59")).FirstOrDefault().Hearing);
        Assert.Equal([0, 1], HearingPlan.Due(hearings, parties, Local("2026-09-30 09:00")).Single().Parties);
        var half = hearings.Select(h => h with { Reminded = ["p1"] }).ToImmutableArray();
        Assert.Equal([1], HearingPlan.Due(half, parties, Local("2026-09-30 09:00")).Single().Parties);
        var all = hearings.Select(h => h with { Reminded = ["p1", "p2"] }).ToImmutableArray();
        Assert.Empty(HearingPlan.Due(all, parties, Local("2026-09-30 09:00")));
        Assert.Null(HearingPlan.NextAt(all, parties, Local("2026-09-30 09:00")));
        Assert.Equal(Local("2026-09-30 09:00"), HearingPlan.NextAt(half, parties, Local("2026-09-29 12:00")));
    }

    [Fact]
    public void The_built_in_catalogue_schedules_postpones_and_cancels_and_a_court_may_add_a_rescheduling_type()
    {
        var builtIn = ProgressNodeCatalogue.BuiltIn.Default;
        Assert.Equal(HearingEffect.Scheduled, builtIn.Find("HEARING_SCHEDULED")!.Hearing);
        Assert.Equal(HearingEffect.Postponed, builtIn.Find("POSTPONED")!.Hearing);
        Assert.Equal(HearingEffect.Cancelled, builtIn.Find("WITHDRAWN")!.Hearing);
        Assert.Equal(HearingEffect.None, builtIn.Find("FILED")!.Hearing);

        var catalogue = ProgressNodeCatalogue.Parse("""
            { "courts": { "sh-pudong": [
                { "id": "HEARING_RESCHEDULED", "name": "变更开庭时间", "template": "node.hearing_rescheduled", "hearing": "rescheduled" },
                { "id": "SUSPENDED", "hearing": "none" } ] } }
            """, ProgressNodeCatalogue.BuiltIn, "test");
        Assert.Equal(HearingEffect.Rescheduled, catalogue.For("sh-pudong").Find("HEARING_RESCHEDULED")!.Hearing);
        Assert.Equal(HearingEffect.None, catalogue.For("sh-pudong").Find("SUSPENDED")!.Hearing);
        Assert.Equal(HearingEffect.Cancelled, catalogue.For("sh-high").Find("SUSPENDED")!.Hearing);
        Assert.Equal(HearingEffect.Scheduled, catalogue.For("sh-pudong").Find("HEARING_SCHEDULED")!.Hearing);

        var bad = Assert.Throws<FormatException>(() => ProgressNodeCatalogue.Parse("""{ "nodes": [ { "id": "FILED", "hearing": "soon" } ] }""", ProgressNodeCatalogue.BuiltIn, "test"));
        Assert.Contains("nodes[0].hearing: 'soon'", bad.Message, StringComparison.Ordinal);
    }

    private static ImmutableArray<PlannedHearing> Schedule(ImmutableArray<PlannedHearing> hearings, string? id, string at, string? place) =>
        HearingPlan.Apply(hearings, HearingEffect.Scheduled, id, Local(at), place, Plan);

    private static DateTimeOffset Plan(DateTimeOffset hearing) => HearingReminder.Planned(Calendar, hearing, 1, HearingReminder.DefaultAt, lead: null);
}
