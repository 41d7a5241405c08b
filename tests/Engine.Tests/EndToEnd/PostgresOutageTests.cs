using Engine.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Cluster mode with PostgreSQL killed (an immediate shutdown, as a crash) while intake commits batch after batch, then
/// started again: calls in between are refused promptly as UNAVAILABLE, every ticket acknowledged before the kill is
/// there with its events after it, the engine takes tickets again without being restarted, and its log tells the
/// outage in a few lines rather than one per failed batch.
/// </summary>
[Collection(nameof(Engine.Tests.Cluster.OneClusterAtATime))]
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    private const string Court = "sh-songjiang";

    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task PostgreSQL_killed_under_intake_loses_no_acknowledged_ticket_and_calls_meanwhile_answer_UNAVAILABLE_promptly()
    {
        using var server = new PostgresServer();
        var connectionString = server.CreateDatabase();
        using var data = new TempDirectory();
        using var logs = new CapturedLogs();
        await using var engine = await EngineInstance.StartAsync(data.Path, services => services.AddSingleton<ILoggerProvider>(logs), "--storage", "postgres", "--connection", connectionString, "--Engine:Tickets:MergeWindow=00:00:00");
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var load = new IntakeLoad(engine.Intake, Court);
        await Eventually.TrueAsync(() => load.Acknowledged.Count >= 200, "200 tickets were acknowledged");

        server.Kill();
        var killedAt = load.Count;
        await Eventually.TrueAsync(() => load.Answers.Skip(killedAt).Count(a => a.Code != StatusCode.OK) >= 100, "100 calls were refused while PostgreSQL was down");
        server.Start();
        var startedAt = load.Acknowledged.Count;
        await Eventually.TrueAsync(() => load.Acknowledged.Count >= startedAt + 100, "100 more tickets were acknowledged once PostgreSQL was back");
        await load.StopAsync();

        var answers = load.Answers;
        var refused = answers.Where(a => a.Code != StatusCode.OK).ToList();
        output.WriteLine($"{answers.Count - refused.Count} acknowledged, {refused.Count} refused; slowest answer {answers.Max(a => a.Took).TotalMilliseconds:F0} ms");
        Assert.All(refused, a => Assert.Equal(StatusCode.Unavailable, a.Code));

        // The outage is logged by the committer when it begins, when its reason changes (the connection dropped, then
        // refused, then "starting up"...) and when it ends: a handful of entries, not one for each of the batches.
        Assert.InRange(logs.Containing("A commit of").Count, 1, 8);
        Assert.Single(logs.Containing("Commits succeed again"));
        Assert.All(answers, a => Assert.True(a.Took < Prompt, $"a call took {a.Took} to answer {a.Code}"));

        var logged = Column(connectionString, "SELECT aggregate_id || ' ' || event_type FROM events WHERE event_type IN ('ticket.received', 'ticket.routed');").ToHashSet();
        foreach (var ticket in answers.Where(a => a.Code == StatusCode.OK).Select(a => a.Ticket!))
        {
            Assert.Contains(ticket.TicketId + " ticket.received", logged);
            Assert.Contains(ticket.TicketId + " ticket.routed", logged);
            var stored = (await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket;
            Assert.Equal(WithoutTimeLeft(ticket), WithoutTimeLeft(stored));
        }
    }

    private static List<string> Column(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

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
