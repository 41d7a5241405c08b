using Engine.Tests.Support;
using Grpc.Core;
using Xunit.Abstractions;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// The engine's data directory on a small file system of its own that a test fills while intake runs, then frees:
/// callers are told promptly, in a sentence, that nothing more can be stored, while reads go on; nothing acknowledged is
/// lost or damaged; and the engine takes tickets again by itself once there is room.
/// </summary>
public sealed class FullDiskTests(ITestOutputHelper output)
{
    private const string Court = "sh-songjiang";

    /// <summary>Far below the calls' own deadline: a refusal that took longer would be a hang, not an answer.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_disk_filled_under_load_refuses_calls_promptly_loses_nothing_acknowledged_and_takes_tickets_again_once_freed()
    {
        using var disk = new SmallFileSystem(megabytes: 24);
        var data = Path.Combine(disk.Path, "data");
        await using var engine = await EngineInstance.StartAsync(data, "--Engine:Tickets:MergeWindow=00:00:00");
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var load = new IntakeLoad(engine.Intake, Court);
        await Eventually.TrueAsync(() => load.Acknowledged.Count >= 200, "200 tickets were acknowledged");

        disk.Fill();
        var filledAt = load.Count;
        await Eventually.TrueAsync(() => load.Answers.Skip(filledAt).Count(a => a.Code != StatusCode.OK) >= 200, "200 calls were refused on the full disk");
        var first = load.Acknowledged[0].Ticket!;
        Assert.Equal(first.TicketId, (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = first.TicketId }, deadline: DateTime.UtcNow + Prompt)).Ticket.TicketId);
        await load.StopAsync();

        var answers = load.Answers;
        var refused = answers.Where(a => a.Code != StatusCode.OK).ToList();
        output.WriteLine($"{answers.Count - refused.Count} acknowledged, {refused.Count} refused; slowest answer {answers.Max(a => a.Took).TotalMilliseconds:F0} ms");
        Assert.All(refused, a => Assert.Contains(a.Code, new[] { StatusCode.ResourceExhausted, StatusCode.Unavailable }));
        Assert.Contains(refused, a => a.Code == StatusCode.ResourceExhausted && a.Detail.Contains("storage is full", StringComparison.Ordinal));
        Assert.All(answers, a => Assert.True(a.Took < Prompt, $"a call took {a.Took} to answer {a.Code}"));

        disk.Free();

        // Nothing restarts: the same engine takes the next ticket.
        var after = Requests.ContactJudge(string.Empty);
        (after.Kind, after.SubKind, after.CourtId) = (V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, Court);
        var taken = (await engine.Intake.SubmitTicketAsync(after, deadline: DateTime.UtcNow + Prompt)).Ticket;
        var acknowledged = answers.Where(a => a.Code == StatusCode.OK).Select(a => a.Ticket!).Append(taken).ToList();

        await engine.StopAsync();
        Assert.Equal("ok", EngineDatabase.Text(data, "PRAGMA integrity_check;"));
        var logged = EngineDatabase.Column(data, "SELECT aggregate_id || ' ' || event_type FROM events WHERE event_type IN ('ticket.received', 'ticket.routed');").ToHashSet();
        Assert.All(acknowledged, t =>
        {
            Assert.Contains(t.TicketId + " ticket.received", logged);
            Assert.Contains(t.TicketId + " ticket.routed", logged);
        });

        await engine.RestartAsync();
        foreach (var ticket in acknowledged)
        {
            var stored = (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket;
            Assert.Equal(WithoutTimeLeft(ticket), WithoutTimeLeft(stored));
        }
    }

    [Fact]
    public async Task A_change_of_a_case_on_a_full_disk_is_refused_as_RESOURCE_EXHAUSTED_and_taken_once_space_is_freed()
    {
        using var disk = new SmallFileSystem(megabytes: 24);
        var data = Path.Combine(disk.Path, "data");
        await using var engine = await EngineInstance.StartAsync(data);
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var caseNumber = SharedEngine.NewCaseNumber("沪0117");
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", null));

        // A reader holding a snapshot keeps SQLite from starting its log over, so every write needs new room on the
        // disk (a log that started over would reuse the room it had, and a small write could still fit).
        using (var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={engine.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            reader.Open();
            using var snapshot = reader.BeginTransaction(deferred: true);
            using (var read = reader.CreateCommand())
            {
                read.CommandText = "SELECT COUNT(*) FROM OrleansStorage;";
                read.ExecuteScalar();
            }

            disk.Fill();
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-2", null), deadline: DateTime.UtcNow + Prompt));

            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("storage is full", refused.Status.Detail, StringComparison.Ordinal);
        }

        disk.Free();

        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-2", null), deadline: DateTime.UtcNow + Prompt);
        await engine.RestartAsync();
        Assert.Equal("civil-2", (await engine.Cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber })).Case.DivisionId);
    }

    /// <summary>The ticket as stored: the time left on its clock runs on between two reads.</summary>
    private static V1.Ticket WithoutTimeLeft(V1.Ticket ticket)
    {
        var copy = ticket.Clone();
        if (copy.Clock is { } clock)
        {
            clock.TimeLeft = null;
        }

        return copy;
    }
}
