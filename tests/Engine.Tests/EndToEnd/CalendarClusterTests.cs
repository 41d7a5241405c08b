using System.Globalization;
using Engine.Domain;
using Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;
using Engine.Grains.Calendars;

namespace Engine.Tests.EndToEnd;

/// <summary>Two silos on one PostgreSQL database: a calendar put through one is counted with on the other within its
/// refresh interval, without a restart, and the clocks counted before it are counted again whichever silo holds them.</summary>
public sealed class CalendarClusterTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    [Fact]
    public async Task A_calendar_put_through_one_silo_is_counted_with_on_every_silo_without_a_restart()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 30, 9, 0, 0, Shanghai));
        var connection = PostgresServer.Shared.CreateDatabase();
        string[] cluster = ["--storage", "postgres", "--connection", connection, "--cluster-id", "calendars-" + Guid.NewGuid().ToString("N")[..8],
            "--Engine:Deadlines:CalendarRefreshInterval=00:00:00.200"];
        await using var first = await StartAsync(clock, cluster);
        await using var second = await StartAsync(clock, cluster);
        await first.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });

        // Tickets made through both silos before the calendar: their 2027 steps are provisional.
        var before = new List<V1.Ticket>();
        foreach (var engine in new[] { first, second, first, second })
        {
            var caseNumber = SharedEngine.NewCaseNumber();
            await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, "sh-pudong", "civil-1", SampleDirectory.JudgeId("sh-pudong", "civil-1", 1)));
            before.Add((await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket);
        }

        Assert.All(before, t => Assert.True(t.Deadlines.Single(d => d.Kind == V1.DeadlineKind.Supervision).Provisional));

        var put = await new V1.CalendarService.CalendarServiceClient(first.Channel).PutCalendarAsync(new V1.PutCalendarRequest
        {
            Json = """{ "about": "test calendar", "year": 2027, "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-04" } ], "workdays": [] }""",
        });

        await Eventually.TrueAsync(() => second.Services.GetRequiredService<CalendarBook>().Current.Version == put.Stored.Change, "the second silo to read the calendar");
        foreach (var ticket in before)
        {
            await Eventually.TrueAsync(
                async () => (await second.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket.Clock.CalendarVersion == put.Stored.Change,
                $"ticket {ticket.TicketId} to be counted again");
            var now = (await second.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket;
            Assert.Equal(new DateTimeOffset(2027, 1, 5, 9, 0, 0, Shanghai), now.Deadlines.Single(d => d.Kind == V1.DeadlineKind.Supervision).DueAt.ToDateTimeOffset());
            Assert.False(now.Deadlines.Single(d => d.Kind == V1.DeadlineKind.Supervision).Provisional);
        }

        var caseAfter = SharedEngine.NewCaseNumber();
        await second.Cases.UpsertCaseAsync(Requests.Case(caseAfter, "sh-pudong", "civil-1", SampleDirectory.JudgeId("sh-pudong", "civil-1", 1)));
        var after = (await second.Intake.SubmitTicketAsync(Requests.ContactJudge(caseAfter))).Ticket;
        Assert.Equal(put.Stored.Change, after.Clock.CalendarVersion);
        Assert.Empty(after.Clock.ProvisionalYears);
    }

    private static async Task<EngineInstance> StartAsync(FakeTimeProvider clock, string[] args) =>
        await EngineInstance.StartWithServicesAsync(services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock), args);

}
