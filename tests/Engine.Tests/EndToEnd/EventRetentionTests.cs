using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

public sealed class EventRetentionTests
{
    [Fact]
    public async Task Retention_keeps_what_a_named_subscription_has_not_committed_and_then_trims()
    {
        await using var engine = await EngineInstance.StartAsync(null,
            "--Engine:Events:Retention:KeepEvents=4", "--Engine:Events:Retention:Interval=00:00:00.200");
        var events = new V1.EventService.EventServiceClient(engine.Channel);
        await events.CommitCursorAsync(new V1.CommitCursorRequest { Subscription = "warehouse", Sequence = 0 });
        for (var i = 0; i < 7; i++)
        {
            await Submit(engine);
        }

        await events.CommitCursorAsync(new V1.CommitCursorRequest { Subscription = "warehouse", Sequence = 1 });
        var protectedEarliest = await EarliestAsync(engine, e => e >= 2, "retention trims what every subscription committed");
        Assert.Equal(2, protectedEarliest);

        var head = Query(engine, "SELECT MAX(sequence) FROM events;");
        await events.CommitCursorAsync(new V1.CommitCursorRequest { Subscription = "warehouse", Sequence = head });
        var earliest = await EarliestAsync(engine, e => e > head - 4, "retention trims to the newest four once all is committed");
        Assert.Equal(head - 3, earliest);

        using var old = events.Subscribe(new V1.SubscribeRequest { FromSequence = 1 });
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await old.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OutOfRange, refused.StatusCode);
        Assert.Contains($"earliest available sequence {earliest}", refused.Status.Detail, StringComparison.Ordinal);
        using var fromStart = events.Subscribe(new V1.SubscribeRequest { FromSequence = 0 });
        Assert.True(await fromStart.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(earliest, fromStart.ResponseStream.Current.Event.Sequence);
    }

    private static long Query(EngineInstance engine, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={engine.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static async Task Submit(EngineInstance engine)
    {
        var request = Requests.ContactJudge(string.Empty);
        (request.Kind, request.SubKind) = (V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationOther);
        await engine.Intake.SubmitTicketAsync(request);
    }

    /// <summary>The log's lowest sequence once <paramref name="expected"/> holds of it (retention runs on a timer).</summary>
    private static Task<long> EarliestAsync(EngineInstance engine, Func<long, bool> expected, string what) =>
        Eventually.ValueAsync(() => Query(engine, "SELECT COALESCE(MIN(sequence), 0) FROM events;"), expected, what);
}
