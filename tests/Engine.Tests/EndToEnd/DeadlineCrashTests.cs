using Engine.Tests.Support;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// "Never lost, and once": the engine runs as a child process with second-scale deadlines, is killed (SIGKILL) while
/// steps are firing, stays down while the rest come due, and is started again on the same file. Every step of every
/// ticket then fires exactly once in all — before the kill or after the restart — to the right recipients, within
/// the promised 60 s of the restart.
/// </summary>
[Trait("Category", "Soak")]
public sealed class DeadlineCrashTests
{
    private const string Court = "sh-pudong";
    private const int Tickets = 12;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan OverdueFiresWithin = TimeSpan.FromSeconds(60);

    private static readonly string[] Drill =
    [
        "--Engine:Deadlines:All:Reply=4 seconds",
        "--Engine:Deadlines:All:WarningShare=0.5",
        "--Engine:Deadlines:All:Supervision=2 seconds",
        "--Engine:Deadlines:All:SpecialSupervision=4 seconds",
    ];

    private static readonly string[] StepTypes = ["deadline.warning", "deadline.urging", "deadline.supervision", "deadline.special_supervision"];

    [Fact]
    public async Task Steps_due_while_the_engine_was_killed_fire_once_after_the_restart()
    {
        using var data = new TempDirectory();
        var judge = SampleDirectory.JudgeId(Court, "civil-1", 1);
        var ids = new List<string>();
        DateTimeOffset lastSubmitted;

        var grpc = FreePorts.Next();
        using (var engine = EngineProcess.Start([.. EngineProcess.Args(grpc, data.Path), .. Drill]))
        {
            await engine.WaitUntilStartedAsync(StartTimeout);
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
            await new V1.DirectoryService.DirectoryServiceClient(channel).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
            var caseNumber = SharedEngine.NewCaseNumber();
            await new V1.CaseService.CaseServiceClient(channel).UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", judge));
            var intake = new V1.IntakeService.IntakeServiceClient(channel);
            for (var i = 0; i < Tickets; i++)
            {
                var request = Requests.ContactJudge(caseNumber);
                request.Caller.Phone = $"138000{i:D5}";
                ids.Add((await intake.SubmitTicketAsync(request)).Ticket.TicketId);
            }

            lastSubmitted = DateTimeOffset.UtcNow;

            // Kill it once the first warnings are out, with the rest of the ladder still to come.
            using var call = new V1.EventService.EventServiceClient(channel).Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { EventTypes = { StepTypes[0] } } });
            await EventStreams.ReadEventsAsync(call, e => e.Count >= 1);
            engine.KillHard();
            await engine.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var firedBeforeKill = CountSteps(data.Path);
        Assert.InRange(firedBeforeKill, 1, (4 * Tickets) - 1);

        // Stay down until every step is overdue.
        var allDue = lastSubmitted.AddSeconds(9) - DateTimeOffset.UtcNow;
        if (allDue > TimeSpan.Zero)
        {
            await Task.Delay(allDue);
        }

        grpc = FreePorts.Next();
        using (var engine = EngineProcess.Start([.. EngineProcess.Args(grpc, data.Path), .. Drill]))
        {
            await engine.WaitUntilStartedAsync(StartTimeout);
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
            using var call = new V1.EventService.EventServiceClient(channel).Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { EventTypes = { StepTypes } } });
            var steps = await EventStreams.ReadEventsAsync(call, e => e.Count >= 4 * Tickets, patience: OverdueFiresWithin);

            // Nothing is left to fire: a shard wakes only the tickets whose row says a step is due, and a step is
            // recorded in the write that moves the row on. So the count taken after the engine stops is final.
            Assert.Equal(0, EngineDatabase.Scalar(data.Path, "SELECT COUNT(*) FROM tickets WHERE due_at_ms IS NOT NULL;"));
            var tickets = new V1.TicketService.TicketServiceClient(channel);
            foreach (var id in ids)
            {
                var ticket = (await tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = id })).Ticket;
                Assert.Equal(4, ticket.Deadlines.Count(d => d.FiredAt is not null));
                Assert.Equal(StepTypes, steps.Where(e => e.AggregateId == id).Select(e => e.EventType));
            }

            foreach (var step in steps)
            {
                var fired = step.Payload.Unpack<V1.DeadlineStepFired>();
                var expected = fired.Step switch
                {
                    V1.DeadlineKind.Supervision => new[] { (V1.RecipientRole.DivisionHead, SampleDirectory.HeadId(Court, "civil-1")), (V1.RecipientRole.VicePresident, SampleDirectory.VicePresidentId(Court)) },
                    V1.DeadlineKind.SpecialSupervision => [(V1.RecipientRole.ServiceOffice, "service-office")],
                    _ => [(V1.RecipientRole.Handler, judge)],
                };
                Assert.Equal(expected, fired.Recipients.Select(r => (r.Role, r.Id)));
            }

            engine.Terminate();
            Assert.Equal(0, await engine.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(4 * Tickets, CountSteps(data.Path));
        Assert.Equal(0, CountDistinctSteps(data.Path) - (4 * Tickets));
    }

    private static long CountSteps(string data) => EngineDatabase.Scalar(data, "SELECT COUNT(*) FROM events WHERE event_type LIKE 'deadline.%';");

    private static long CountDistinctSteps(string data) =>
        EngineDatabase.Scalar(data, "SELECT COUNT(*) FROM (SELECT DISTINCT aggregate_id, event_type FROM events WHERE event_type LIKE 'deadline.%');");
}
