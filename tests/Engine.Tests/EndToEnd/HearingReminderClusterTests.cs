using Engine.Domain;
using Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Hearing reminders in cluster mode: two silos on one PostgreSQL database; the hearing is recorded through one
/// silo, that silo goes, and the other sends each reminder once at its time (decision 62).</summary>
[Collection(nameof(Engine.Tests.Cluster.OneClusterAtATime))]
public sealed class HearingReminderClusterTests
{
    [Fact]
    public async Task A_reminder_planned_through_a_silo_that_went_is_sent_once_by_the_other_on_postgresql()
    {
        var clock = new FakeTimeProvider(ShanghaiTime.Local("2026-09-29 10:00"));
        var connection = PostgresServer.Shared.CreateDatabase();
        // A drill's lead of five minutes: the clock's jump stays short of the next morning list, whose hundreds of judges
        // (the sample directory) falling due at once would be a storm this test is not about.
        string[] cluster = ["--storage", "postgres", "--connection", connection, "--cluster-id", "hearings-" + Guid.NewGuid().ToString("N")[..8],
            "--Engine:Cases:HearingReminderLead=00:05:00"];
        var first = await StartAsync(clock, cluster);
        await using var second = await StartAsync(clock, cluster);
        string number;
        try
        {
            await first.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
            number = await HearingReminderTests.CaseAsync(first);
            await HearingReminderTests.ScheduleAsync(first, number, "HEARING_SCHEDULED", "2026-09-29 11:00", "第三法庭");
            Assert.Equal(ShanghaiTime.Local("2026-09-29 10:55").ToUnixTimeMilliseconds(), Scalar(connection, $"SELECT due_at_ms FROM due_timers WHERE owner_key = 'case:{number}'"));
        }
        finally
        {
            await first.DisposeAsync();
        }

        clock.SetUtcNow(ShanghaiTime.Local("2026-09-29 10:55"));
        await Eventually.TrueAsync(() => Scalar(connection, $"SELECT count(*) FROM due_timers WHERE owner_key = 'case:{number}'") == 0, "the case's timer to be done");
        Assert.Equal(3, Scalar(connection, $"SELECT count(*) FROM events WHERE aggregate_id = '{number}' AND event_type = 'case.hearing_reminder'"));
        Assert.Equal(1, Scalar(connection, $"SELECT count(DISTINCT aggregate_version) FROM events WHERE aggregate_id = '{number}' AND event_type = 'case.hearing_reminder'"));
    }

    private static async Task<EngineInstance> StartAsync(FakeTimeProvider clock, string[] args) =>
        await EngineInstance.StartWithServicesAsync(services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock), args);

    private static long Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
