using BenchmarkDotNet.Attributes;
using Engine.Domain;
using Engine.Domain.Calendar;

namespace Engine.Bench;

/// <summary>
/// Working-time deadline arithmetic, as every ticket pays it at intake and on each clock change: one reply deadline
/// (1 working day), a whole ladder (warning, urging, supervision, special supervision), and a resume after a pause.
/// Start times cycle through every quarter hour of 2025 and 2026, so nights, weekends, holidays and make-up days all
/// occur.
/// </summary>
[MemoryDiagnoser]
public class DeadlineBenchmarks
{
    private readonly DeadlinePolicy _contactJudge = DeadlinePolicy.DefaultFor(TicketKind.ContactJudge);
    private BusinessCalendar _calendar = null!;
    private DateTimeOffset[] _starts = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _calendar = SampleCalendar.Load();
        var first = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
        _starts = [.. Enumerable.Range(0, 4 * 24 * 700).Select(i => first.AddMinutes(15 * i))];
    }

    [Benchmark]
    public DateTimeOffset ReplyDeadline() => _calendar.AddWorkingDays(Next(), 1);

    [Benchmark]
    public int Ladder() => _contactJudge.Ladder(Next(), _calendar).Count;

    /// <summary>A new clock as intake starts it: its ladder, each step marked exact or provisional.</summary>
    [Benchmark]
    public DateTimeOffset? StartClock() => TicketDeadlines.None.Start(ClockCause.Received, Next(), _contactJudge, _calendar).NextDueAt;

    [Benchmark]
    public DateTimeOffset? ResumeAfterPause()
    {
        var start = Next();
        return TicketDeadlines.None.Start(ClockCause.Received, start, _contactJudge, _calendar)
            .Pause(start.AddHours(1), _calendar.Zone)
            .Resume(start.AddHours(20), _calendar)
            .NextDueAt;
    }

    private DateTimeOffset Next() => _starts[_next++ % _starts.Length];
}
