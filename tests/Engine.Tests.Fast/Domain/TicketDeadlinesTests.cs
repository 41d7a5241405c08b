using System.Globalization;
using Engine.Domain;
using Engine.Domain.Calendar;
using Microsoft.Extensions.Time.Testing;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.DomainTests;

/// <summary>A ticket's reply clock as time passes (FakeTimeProvider): what is due when, each step once; pause,
/// resume, extension, stop; the working-time measure of a pause; a year with no calendar.</summary>
public sealed class TicketDeadlinesTests
{
    private static readonly BusinessCalendar Calendar = new(
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), [Load(2025), Load(2026)]);

    private static readonly DeadlinePolicy ContactJudge = DeadlinePolicy.DefaultFor(TicketKind.ContactJudge);

    private static readonly Recipient Judge = new(RecipientRole.Handler, "judge-1");

    [Fact]
    public void Each_step_comes_due_at_its_time_and_once_taken_is_not_due_again()
    {
        var time = new FakeTimeProvider(Local("2025-03-07 16:00"));
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, time.GetUtcNow(), ContactJudge, Calendar);
        var fired = new List<(DeadlineStep, DateTimeOffset)>();

        // Walk the clock forward a quarter of an hour at a time for a fortnight, firing whatever is due.
        for (var i = 0; i < 14 * 24 * 4; i++)
        {
            foreach (var step in deadlines.Due(time.GetUtcNow()))
            {
                deadlines = deadlines.Fired(step, time.GetUtcNow(), [Judge]);
                fired.Add((step.Step, step.DueAt));
            }

            time.Advance(TimeSpan.FromMinutes(15));
        }

        Assert.Equal(
            [
                (DeadlineStep.Warning, Local("2025-03-10 14:07:30")),
                (DeadlineStep.Urging, Local("2025-03-10 16:00")),
                (DeadlineStep.Supervision, Local("2025-03-11 16:00")),
                (DeadlineStep.SpecialSupervision, Local("2025-03-13 16:00")),
            ],
            fired);
        Assert.Equal(4, deadlines.Taken.Length);
        Assert.All(deadlines.Taken, t => Assert.Equal(1, t.Clock));
        Assert.Null(deadlines.NextDueAt);
    }

    [Fact]
    public void Steps_overdue_after_a_long_outage_all_come_due_together_in_order()
    {
        var start = Local("2025-03-07 16:00");
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, start, ContactJudge, Calendar);

        var due = deadlines.Due(Local("2025-03-12 09:00"));

        Assert.Equal([DeadlineStep.Warning, DeadlineStep.Urging, DeadlineStep.Supervision], due.Select(d => d.Step));
    }

    [Fact]
    public void A_pause_stops_the_clock_and_resuming_moves_every_step_by_the_working_time_it_stood()
    {
        // Received Monday 09:00: due Tuesday 09:00 (3 h on Monday morning, 4 h in the afternoon, 0.5 h on Tuesday).
        var time = new FakeTimeProvider(Local("2025-03-10 09:00"));
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, time.GetUtcNow(), ContactJudge, Calendar);
        Assert.Equal(Local("2025-03-11 09:00"), deadlines.Clock!.ReplyDueAt);

        time.SetUtcNow(Local("2025-03-10 10:00"));
        deadlines = deadlines.Pause(time.GetUtcNow(), Calendar.Zone);
        time.SetUtcNow(Local("2025-03-12 10:00"));
        Assert.Empty(deadlines.Due(time.GetUtcNow()));
        Assert.Null(deadlines.NextDueAt);

        // It stood from Monday 10:00 to Wednesday 10:00: two working days (15 h) of working time.
        deadlines = deadlines.Resume(time.GetUtcNow(), Calendar);

        Assert.Equal(Local("2025-03-13 09:00"), deadlines.Clock!.ReplyDueAt);
        Assert.Equal(Local("2025-03-13 09:00"), deadlines.Clock.Pending.Single(p => p.Step == DeadlineStep.Urging).DueAt);
        Assert.Equal(Local("2025-03-14 09:00"), deadlines.Clock.Pending.Single(p => p.Step == DeadlineStep.Supervision).DueAt);
        Assert.Equal(Local("2025-03-12 16:07:30"), deadlines.NextDueAt);
    }

    [Fact]
    public void A_pause_over_a_lunch_break_and_a_night_counts_only_working_time()
    {
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, Local("2025-03-10 09:00"), ContactJudge, Calendar)
            .Pause(Local("2025-03-10 11:00"), Calendar.Zone);

        // 11:00–12:00 and 13:30–17:30 on Monday, 08:30–09:00 on Tuesday: 5.5 h.
        var resumed = deadlines.Resume(Local("2025-03-11 09:00"), Calendar);

        Assert.Equal(Local("2025-03-11 16:00"), resumed.Clock!.ReplyDueAt);
    }

    [Fact]
    public void A_drill_clock_pauses_in_elapsed_seconds()
    {
        var time = new FakeTimeProvider(Local("2026-01-10 03:00"));
        var drill = new DeadlinePolicy(DeadlineSpan.Seconds(10), 0.5, DeadlineSpan.Seconds(5), DeadlineSpan.Seconds(10));
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, time.GetUtcNow(), drill, Calendar).Pause(time.GetUtcNow(), Calendar.Zone);

        time.Advance(TimeSpan.FromSeconds(30));
        deadlines = deadlines.Resume(time.GetUtcNow(), Calendar);

        Assert.Equal(time.GetUtcNow().AddSeconds(10), deadlines.Clock!.ReplyDueAt);
        Assert.Equal(time.GetUtcNow().AddSeconds(5), deadlines.NextDueAt);
    }

    [Fact]
    public void An_extension_starts_a_new_clock_to_the_approved_deadline_and_is_recorded()
    {
        var time = new FakeTimeProvider(Local("2025-03-10 09:00"));
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, time.GetUtcNow(), ContactJudge, Calendar);
        time.SetUtcNow(Local("2025-03-11 09:30"));
        var urging = deadlines.Due(time.GetUtcNow()).Single(d => d.Step == DeadlineStep.Urging);
        deadlines = deadlines.Due(time.GetUtcNow()).Aggregate(deadlines, (d, s) => d.Fired(s, time.GetUtcNow(), [Judge]));

        deadlines = deadlines.Extend(time.GetUtcNow(), Local("2025-03-14 17:30"), "judge-1", "vp-1", "需调取卷宗", ContactJudge, Calendar);

        Assert.Equal(2, deadlines.Clock!.Number);
        Assert.Equal(ClockCause.Extended, deadlines.Clock.Cause);
        Assert.Equal(Local("2025-03-14 17:30"), deadlines.Clock.ReplyDueAt);
        Assert.Equal(Local("2025-03-17 17:30"), deadlines.Clock.Pending.Single(p => p.Step == DeadlineStep.Supervision).DueAt);
        var extension = Assert.Single(deadlines.Extensions);
        Assert.Equal(("judge-1", "vp-1", "需调取卷宗", urging.DueAt, Local("2025-03-14 17:30")), (extension.Actor, extension.Approver, extension.Reason, extension.From, extension.To));

        // The new deadline has its own urging: the step fires again, once, for clock 2.
        deadlines = deadlines.Due(Local("2025-03-14 17:30")).Aggregate(deadlines, (d, s) => d.Fired(s, Local("2025-03-14 17:30"), [Judge]));
        Assert.Equal([1, 2], deadlines.Taken.Where(t => t.Step == DeadlineStep.Urging).Select(t => t.Clock));
    }

    [Fact]
    public void An_extension_must_move_the_deadline_later_and_needs_a_running_clock()
    {
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, Local("2025-03-10 09:00"), ContactJudge, Calendar);

        Assert.Throws<ArgumentException>(() => deadlines.Extend(Local("2025-03-10 10:00"), Local("2025-03-10 16:00"), "a", "b", "r", ContactJudge, Calendar));
        Assert.Throws<InvalidOperationException>(() => deadlines.Pause(Local("2025-03-10 10:00"), Calendar.Zone)
            .Extend(Local("2025-03-10 11:00"), Local("2025-03-20 16:00"), "a", "b", "r", ContactJudge, Calendar));
        Assert.Throws<InvalidOperationException>(() => deadlines.Stop(Local("2025-03-10 10:00"))
            .Extend(Local("2025-03-10 11:00"), Local("2025-03-20 16:00"), "a", "b", "r", ContactJudge, Calendar));
        Assert.Throws<InvalidOperationException>(() => deadlines.Resume(Local("2025-03-10 10:00"), Calendar));
        Assert.Throws<InvalidOperationException>(() => deadlines.Pause(Local("2025-03-10 10:00"), Calendar.Zone).Pause(Local("2025-03-10 10:01"), Calendar.Zone));
    }

    [Fact]
    public void A_stopped_clock_has_nothing_due_ever_and_keeps_its_deadline_for_the_record()
    {
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, Local("2025-03-10 09:00"), ContactJudge, Calendar)
            .Stop(Local("2025-03-10 15:00"));

        Assert.Empty(deadlines.Due(Local("2026-01-01 00:00")));
        Assert.Null(deadlines.NextDueAt);
        Assert.Equal(Local("2025-03-11 09:00"), deadlines.Clock!.ReplyDueAt);
        Assert.Equal(Local("2025-03-10 15:00"), deadlines.Clock.StoppedAt);
    }

    [Fact]
    public void A_restart_numbers_the_new_clock_and_keeps_the_steps_taken()
    {
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, Local("2025-03-10 09:00"), ContactJudge, Calendar);
        deadlines = deadlines.Fired(deadlines.Due(Local("2025-03-10 16:30")).Single(), Local("2025-03-10 16:30"), [Judge]);

        var transferred = deadlines.Start(ClockCause.Transferred, Local("2025-03-10 17:00"), ContactJudge, Calendar);

        Assert.Equal(2, transferred.Clock!.Number);
        Assert.Equal(Local("2025-03-11 17:00"), transferred.Clock.ReplyDueAt);
        Assert.Equal(4, transferred.Clock.Pending.Length);
        Assert.Single(transferred.Taken);
    }

    [Fact]
    public void A_ladder_across_a_year_with_no_calendar_is_whole_and_says_which_steps_are_provisional()
    {
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, Local("2026-12-30 09:00"), ContactJudge, Calendar);
        var clock = deadlines.Clock!;

        Assert.Equal(Local("2026-12-31 09:00"), clock.ReplyDueAt);
        Assert.False(clock.ReplyProvisional);
        Assert.Equal(
            [
                (DeadlineStep.Warning, Local("2026-12-30 16:07:30"), false),
                (DeadlineStep.Urging, Local("2026-12-31 09:00"), false),
                (DeadlineStep.Supervision, Local("2027-01-04 09:00"), true),
                (DeadlineStep.SpecialSupervision, Local("2027-01-06 09:00"), true),
            ],
            clock.Pending.Select(p => (p.Step, p.DueAt, p.Provisional)));
        Assert.Equal([2027], clock.ProvisionalYears.ToArray());
        Assert.Equal(Local("2026-12-30 16:07:30"), deadlines.NextDueAt);
    }

    [Fact]
    public void A_calendar_day_deadline_is_exact_whatever_the_year_and_only_its_working_day_steps_are_provisional()
    {
        var filing = DeadlinePolicy.DefaultFor(TicketKind.OnlineFiling);

        var clock = TicketDeadlines.None.Start(ClockCause.Received, Local("2026-12-28 10:00"), filing, Calendar).Clock!;

        Assert.Equal(Local("2027-01-04 10:00"), clock.ReplyDueAt);
        Assert.False(clock.ReplyProvisional);
        Assert.Equal(
            [(DeadlineStep.Warning, false), (DeadlineStep.Urging, false), (DeadlineStep.Supervision, true), (DeadlineStep.SpecialSupervision, true)],
            clock.Pending.Select(p => (p.Step, p.Provisional)));
    }

    [Fact]
    public void When_the_calendar_arrives_pending_steps_move_to_their_exact_times_and_taken_steps_stay_taken()
    {
        var start = Local("2026-12-30 09:00");
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, start, ContactJudge, Calendar);
        foreach (var step in deadlines.Due(Local("2026-12-31 10:00")))
        {
            deadlines = deadlines.Fired(step, Local("2026-12-31 10:00"), [Judge]);
        }

        // The published 2027 calendar gives 1–3 January off and Monday 4 January off too (a made-up bridging day).
        var published = new BusinessCalendar(Calendar.Zone, [Load(2025), Load(2026), Year2027(holidays: ["2027-01-01", "2027-01-04"])], version: 7);
        var replanned = deadlines.Replan(published, ContactJudge)!;

        Assert.Equal([DeadlineStep.Warning, DeadlineStep.Urging], replanned.Taken.Select(t => t.Step));
        Assert.Equal(
            [(DeadlineStep.Supervision, Local("2027-01-05 09:00"), false), (DeadlineStep.SpecialSupervision, Local("2027-01-07 09:00"), false)],
            replanned.Clock!.Pending.Select(p => (p.Step, p.DueAt, p.Provisional)));
        Assert.Equal(7, replanned.Clock.CalendarVersion);
        Assert.Empty(replanned.Clock.ProvisionalYears);
        Assert.Equal(deadlines.Clock!.Number, replanned.Clock.Number);
    }

    [Fact]
    public void A_step_moved_into_the_past_is_due_at_once()
    {
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, Local("2026-12-30 09:00"), ContactJudge, Calendar);

        // A calendar that makes Saturday 2 January a make-up working day: supervision comes two days earlier.
        var published = new BusinessCalendar(Calendar.Zone, [Load(2026), Year2027(holidays: ["2027-01-01"], workdays: ["2027-01-02"])], version: 3);
        var replanned = deadlines.Replan(published, ContactJudge)!;
        var now = Local("2027-01-03 12:00");

        Assert.Equal(Local("2027-01-02 09:00"), replanned.Clock!.Pending.Single(p => p.Step == DeadlineStep.Supervision).DueAt);
        Assert.Contains(replanned.Due(now), p => p.Step == DeadlineStep.Supervision);
    }

    [Fact]
    public void Counting_again_on_the_same_calendars_changes_nothing_after_pauses_and_an_extension()
    {
        var deadlines = TicketDeadlines.None.Start(ClockCause.Received, Local("2026-03-02 09:00"), ContactJudge, Calendar)
            .Pause(Local("2026-03-02 10:00"), Calendar.Zone).Resume(Local("2026-03-03 11:00"), Calendar)
            .Pause(Local("2026-03-04 16:00"), Calendar.Zone).Resume(Local("2026-03-05 09:00"), Calendar);
        var extended = deadlines.Extend(Local("2026-03-05 10:00"), Local("2026-03-12 17:00"), "staff-1", "head-1", "site visit", ContactJudge, Calendar);

        Assert.Equal(Pending(deadlines), Pending(deadlines.Replan(Calendar, ContactJudge)!));
        Assert.Equal(Pending(extended), Pending(extended.Replan(Calendar, ContactJudge)!));
        Assert.Equal(Local("2026-03-12 17:00"), extended.Replan(Calendar, ContactJudge)!.Clock!.ReplyDueAt);
    }

    [Fact]
    public void A_paused_clock_counted_again_stays_paused()
    {
        var paused = TicketDeadlines.None.Start(ClockCause.Received, Local("2026-12-30 09:00"), ContactJudge, Calendar).Pause(Local("2026-12-30 10:00"), Calendar.Zone);

        var replanned = paused.Replan(new BusinessCalendar(Calendar.Zone, [Load(2026), Year2027(holidays: ["2027-01-01"])], version: 2), ContactJudge)!;

        Assert.Equal(Local("2026-12-30 10:00"), replanned.Clock!.PausedAt);
        Assert.Null(replanned.NextDueAt);
    }

    [Fact]
    public void A_clock_stored_without_its_ladder_by_an_older_build_gets_it_back()
    {
        var broken = TicketDeadlines.None with
        {
            Clock = new DeadlineClock(1, ClockCause.Received, Local("2026-12-28 10:00"), Local("2026-12-28 10:00"), true, [], Problem: "no holiday calendar is loaded for 2027"),
        };

        var replanned = broken.Replan(Calendar, ContactJudge)!;

        Assert.Null(replanned.Clock!.Problem);
        Assert.Equal(Local("2026-12-29 10:00"), replanned.Clock.ReplyDueAt);
        Assert.Equal(4, replanned.Clock.Pending.Length);
        Assert.True(replanned.Clock.Pending.Single(p => p.Step == DeadlineStep.SpecialSupervision).Provisional);
        Assert.Null(TicketDeadlines.None.Start(ClockCause.Received, Local("2026-03-02 09:00"), ContactJudge, Calendar).Stop(Local("2026-03-02 10:00")).Replan(Calendar, ContactJudge));
    }

    private static IEnumerable<(DeadlineStep, DateTimeOffset, bool)> Pending(TicketDeadlines deadlines) =>
        [.. deadlines.Clock!.Pending.Select(p => (p.Step, p.DueAt, p.Provisional)), (DeadlineStep.Urging, deadlines.Clock.ReplyDueAt, deadlines.Clock.ReplyProvisional)];

    private static CalendarYear Year2027(string[] holidays, string[]? workdays = null) => new(
        2027,
        holidays.Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)),
        (workdays ?? []).Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2025-09-30 16:00", "2025-10-09 09:30", 2.5, "the National Day holiday counts nothing")]
    [InlineData("2025-10-10 17:00", "2025-10-13 09:00", 8.5, "the make-up Saturday 2025-10-11 counts a whole day")]
    [InlineData("2025-03-10 12:00", "2025-03-10 13:30", 0, "the lunch break counts nothing")]
    [InlineData("2026-02-13 17:00", "2026-02-24 08:30", 8, "Spring Festival 2026: Friday's last half hour and the make-up Saturday 2026-02-14")]
    [InlineData("2025-03-10 10:00", "2025-03-10 09:00", 0, "backwards is nothing")]
    public void Working_time_between_two_moments(string from, string to, double hours, string why)
    {
        Assert.True(TimeSpan.FromHours(hours) == Calendar.WorkingTimeBetween(Local(from), Local(to)), why);
    }

    [Theory]
    [InlineData("1 working day", 1, DeadlineUnit.WorkingDays)]
    [InlineData("3 working days", 3, DeadlineUnit.WorkingDays)]
    [InlineData("4 working hours", 4, DeadlineUnit.WorkingHours)]
    [InlineData("7 calendar days", 7, DeadlineUnit.CalendarDays)]
    [InlineData(" 2.5 seconds ", 2.5, DeadlineUnit.Seconds)]
    public void Spans_read_as_people_write_them(string text, double amount, DeadlineUnit unit)
    {
        Assert.Equal(new DeadlineSpan(amount, unit), DeadlineSpan.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("three working days")]
    [InlineData("-1 seconds")]
    [InlineData("5 fortnights")]
    [InlineData("NaN seconds")]
    public void Unreadable_spans_are_refused_with_an_example(string text)
    {
        var error = Assert.Throws<FormatException>(() => DeadlineSpan.Parse(text));
        Assert.Contains("working day", error.Message);
    }

    private static CalendarYear Load(int year) =>
        CalendarYear.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", $"calendar-cn-{year}.json")));
}
