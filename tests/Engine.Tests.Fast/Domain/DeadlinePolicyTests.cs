using System.Globalization;
using Engine.Domain;
using Engine.Domain.Calendar;
using static Engine.Tests.Support.ShanghaiTime;

namespace Engine.Tests.DomainTests;

public sealed class DeadlinePolicyTests
{
    private static readonly BusinessCalendar Calendar = new(
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
        [CalendarYear.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "calendar-cn-2025.json")))]);

    [Fact]
    public void A_contact_judge_ticket_is_warned_urged_supervised_and_specially_supervised_on_working_time()
    {
        var ladder = DeadlinePolicy.DefaultFor(TicketKind.ContactJudge).Ladder(Local("2025-03-07 16:00"), Calendar);

        Assert.Equal(
            [
                (DeadlineStep.Warning, Local("2025-03-10 14:07:30")),
                (DeadlineStep.Urging, Local("2025-03-10 16:00")),
                (DeadlineStep.Supervision, Local("2025-03-11 16:00")),
                (DeadlineStep.SpecialSupervision, Local("2025-03-13 16:00")),
            ],
            ladder);
    }

    [Fact]
    public void An_online_filing_counts_seven_calendar_days_and_its_later_steps_in_working_days()
    {
        var ladder = DeadlinePolicy.DefaultFor(TicketKind.OnlineFiling).Ladder(Local("2025-09-30 10:00"), Calendar);

        Assert.Equal(Local("2025-10-07 10:00"), ladder.Single(s => s.Step == DeadlineStep.Urging).DueAt);
        Assert.Equal(Local("2025-10-05 16:00"), ladder.Single(s => s.Step == DeadlineStep.Warning).DueAt);
        Assert.Equal(Local("2025-10-09 17:30"), ladder.Single(s => s.Step == DeadlineStep.Supervision).DueAt);
    }

    [Fact]
    public void Drill_policies_count_seconds_of_elapsed_time()
    {
        var drill = new DeadlinePolicy(DeadlineSpan.Seconds(4), 0.5, DeadlineSpan.Seconds(2), DeadlineSpan.Seconds(6));
        var start = Local("2025-03-08 23:59:58");

        Assert.Equal(
            [
                (DeadlineStep.Warning, start.AddSeconds(2)),
                (DeadlineStep.Urging, start.AddSeconds(4)),
                (DeadlineStep.Supervision, start.AddSeconds(6)),
                (DeadlineStep.SpecialSupervision, start.AddSeconds(10)),
            ],
            drill.Ladder(start, Calendar));
    }

    [Theory]
    [InlineData(TicketKind.ContactJudge, 1, DeadlineUnit.WorkingDays)]
    [InlineData(TicketKind.Consultation, 3, DeadlineUnit.WorkingDays)]
    [InlineData(TicketKind.Suggestion, 5, DeadlineUnit.WorkingDays)]
    [InlineData(TicketKind.OnlineFiling, 7, DeadlineUnit.CalendarDays)]
    [InlineData(TicketKind.Callback, 5, DeadlineUnit.WorkingDays)]
    public void The_defaults_are_those_of_the_design(TicketKind kind, double amount, DeadlineUnit unit)
    {
        Assert.Equal(new DeadlineSpan(amount, unit), DeadlinePolicy.DefaultFor(kind).Reply);
    }
}
