using Engine.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// A change kept as grain state and its event cannot part: the process is killed (ENGINE_FAULT ends it with
/// Environment.FailFast at a named point) between the two steps, and after a restart on the same file the state and
/// the log agree: both, or neither.
/// </summary>
public sealed class CrashConsistencyTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killed_after_the_state_write_the_event_is_appended_once_at_restart()
    {
        using var data = new TempDirectory();
        var caseNumber = SharedEngine.NewCaseNumber("沪0101");
        await CrashDuringUpsertAsync(data.Path, caseNumber, "case:after-state");

        var (events, stored) = await RestartAndReadAsync(data.Path, caseNumber);

        var upserted = Assert.Single(events);
        Assert.Equal(caseNumber, upserted.AggregateId);
        Assert.Equal(caseNumber, upserted.Payload.Unpack<V1.CaseUpserted>().Case.CaseNumber);
        Assert.NotNull(stored);
        Assert.Equal(upserted.AggregateVersion, stored.Version);
    }

    [Fact]
    public async Task Killed_before_the_state_write_neither_the_case_nor_its_event_exists()
    {
        using var data = new TempDirectory();
        var caseNumber = SharedEngine.NewCaseNumber("沪0101");
        await CrashDuringUpsertAsync(data.Path, caseNumber, "case:before-state");

        var (events, stored) = await RestartAndReadAsync(data.Path, caseNumber);

        Assert.Empty(events);
        Assert.Null(stored);
    }

    private static async Task CrashDuringUpsertAsync(string data, string caseNumber, string fault)
    {
        var grpc = FreePorts.Next();
        using var engine = EngineProcess.Start(new Dictionary<string, string> { ["ENGINE_FAULT"] = fault }, EngineProcess.Args(grpc, data));
        await engine.WaitUntilStartedAsync(StartTimeout);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
        await new V1.DirectoryService.DirectoryServiceClient(channel).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });

        await Assert.ThrowsAsync<RpcException>(async () =>
            await new V1.CaseService.CaseServiceClient(channel).UpsertCaseAsync(Requests.Case(caseNumber, "sh-high", "civil-1", null)));

        Assert.NotEqual(0, await engine.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Restarts on the same data and reads the case's events until the stream goes idle, and the case.</summary>
    private static async Task<(List<V1.Event> Events, V1.Case? Case)> RestartAndReadAsync(string data, string caseNumber)
    {
        var grpc = FreePorts.Next();
        using var engine = EngineProcess.Start([.. EngineProcess.Args(grpc, data), "--Engine:Events:HeartbeatInterval=00:00:01"]);
        await engine.WaitUntilStartedAsync(StartTimeout);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
        var cases = new V1.CaseService.CaseServiceClient(channel);

        // Wait for the sweep: the case's outbox mark is gone once it has run.
        await Eventually.TrueAsync(() => Pending(data) == 0, "the outbox sweep has run");
        using var call = new V1.EventService.EventServiceClient(channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { EventTypes = { "case.upserted" } },
        });
        var events = new List<V1.Event>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await call.ResponseStream.MoveNext(timeout.Token) && call.ResponseStream.Current.ItemCase == V1.SubscribeResponse.ItemOneofCase.Event)
        {
            events.Add(call.ResponseStream.Current.Event);
        }

        try
        {
            return (events, (await cases.GetCaseAsync(new V1.GetCaseRequest { CaseNumber = caseNumber })).Case);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return (events, null);
        }
    }

    private static long Pending(string data) => EngineDatabase.Scalar(data, "SELECT COUNT(*) FROM outbox_pending;");

}
