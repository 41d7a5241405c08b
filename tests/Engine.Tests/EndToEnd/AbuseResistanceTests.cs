using Engine.Tests.Support;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Overload and abuse are refused at once with RESOURCE_EXHAUSTED and a google.rpc.RetryInfo: a key over its rate,
/// more event streams than the process allows, password look-ups beyond their limits (counted per source, case and
/// phone whatever they find, so being throttled says nothing about a case), failed look-ups beyond a key's budget
/// (whatever end user the adapter names), and messages beyond the size limit.
/// </summary>
public sealed class AbuseResistanceTests
{
    [Fact]
    public async Task A_key_over_its_rate_is_refused_with_a_retry_delay()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var slow = await engine.CreateKeyAsync(V1.AccessRole.Subscriber, ratePerSecond: 5);
        var access = engine.Access(slow);

        RpcException? refused = null;
        for (var i = 0; i < 50 && refused is null; i++)
        {
            refused = await Record.ExceptionAsync(() => access.WhoAmIAsync(new V1.WhoAmIRequest()).ResponseAsync) as RpcException;
        }

        Assert.NotNull(refused);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<RetryInfo>());
        // Another key is not slowed by it.
        await engine.Access(engine.AdminKey()).WhoAmIAsync(new V1.WhoAmIRequest());
    }

    [Fact]
    public async Task Event_streams_beyond_the_limit_are_refused_rather_than_queued()
    {
        await using var engine = await EngineInstance.StartAsync(null, "--Engine:Security:MaxSubscriptions=1");
        var events = new V1.EventService.EventServiceClient(engine.Channel);
        using var first = events.Subscribe(new V1.SubscribeRequest());
        await first.ResponseHeadersAsync;
        var heartbeat = first.ResponseStream.MoveNext();

        var refused = await RpcAssert.StatusAsync(StatusCode.ResourceExhausted, async () =>
        {
            using var second = events.Subscribe(new V1.SubscribeRequest());
            await second.ResponseStream.MoveNext();
        });

        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<RetryInfo>());
        Assert.False(heartbeat.IsFaulted);
    }

    [Fact]
    public async Task Password_look_ups_are_throttled_per_case_whether_or_not_the_case_exists()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync("--Engine:Security:Lookup:PerCasePerMinute=3");
        var known = SharedEngine.NewCaseNumber();
        await engine.Cases.UpsertCaseAsync(Requests.Case(known, "sh-pudong", "civil-1", null));
        var unknown = SharedEngine.NewCaseNumber();

        foreach (var number in new[] { known, unknown })
        {
            var lookup = new V1.LookupCaseRequest { CaseNumber = number, Phone = Requests.FakePhone, ServicePassword = "wrong-password" };
            for (var i = 0; i < 3; i++)
            {
                await RpcAssert.StatusAsync(StatusCode.NotFound, () => engine.Cases.LookupCaseAsync(lookup).ResponseAsync);
            }

            var throttled = await RpcAssert.StatusAsync(StatusCode.ResourceExhausted, () => engine.Cases.LookupCaseAsync(lookup).ResponseAsync);
            Assert.Equal("too many look-ups; try again later", throttled.Status.Detail);
            Assert.NotNull(throttled.GetRpcStatus()?.GetDetail<RetryInfo>());
        }
    }

    [Fact]
    public async Task Failed_look_ups_are_limited_per_key_whatever_end_user_the_adapter_names()
    {
        using var logs = new CapturedLogs();
        await using var engine = await EngineInstance.StartWithServicesAsync(
            services => services.AddSingleton<ILoggerProvider>(logs), Keys.RequiredArg, "--Engine:Security:Lookup:FailuresPerKeyPerMinute=10");
        var admin = engine.AdminKey();
        await new V1.DirectoryService.DirectoryServiceClient(engine.As(admin)).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var known = SharedEngine.NewCaseNumber();
        await new V1.CaseService.CaseServiceClient(engine.As(admin)).UpsertCaseAsync(Requests.Case(known, "sh-pudong", "civil-1", null));
        async Task<V1.CaseService.CaseServiceClient> AdapterAsync(string name) =>
            new(engine.As(await engine.CreateKeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Web } }, name: name)));
        var guessing = await AdapterAsync("guessing-adapter");
        var busy = await AdapterAsync("busy-adapter");
        var other = await AdapterAsync("other-adapter");

        // Each guess names another end user and another case: no limit per source, case or phone is reached.
        for (var i = 0; i < 10; i++)
        {
            var guess = new V1.LookupCaseRequest { CaseNumber = SharedEngine.NewCaseNumber(), Phone = Requests.FakePhone, ServicePassword = "wrong-password" };
            await RpcAssert.StatusAsync(StatusCode.NotFound, () => guessing.LookupCaseAsync(guess, new Metadata { { "x-end-user", "203.0.113." + i } }).ResponseAsync);
        }

        var next = new V1.LookupCaseRequest { CaseNumber = SharedEngine.NewCaseNumber(), Phone = Requests.FakePhone, ServicePassword = "wrong-password" };
        var refused = await RpcAssert.StatusAsync(StatusCode.ResourceExhausted, () => guessing.LookupCaseAsync(next, new Metadata { { "x-end-user", "203.0.113.99" } }).ResponseAsync);
        Assert.Equal("too many failed look-ups with this key; try again later", refused.Status.Detail);
        Assert.InRange(refused.GetRpcStatus()!.GetDetail<RetryInfo>().RetryDelay.ToTimeSpan(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7));
        await RpcAssert.StatusAsync(StatusCode.ResourceExhausted, () => guessing.LookupCaseAsync(next, new Metadata { { "x-end-user", "203.0.113.100" } }).ResponseAsync);
        Assert.Single(logs.Containing("has used up its 10 failed password look-ups a minute"));

        // Another key is not held back by it, and look-ups that succeed cost a key nothing.
        await RpcAssert.StatusAsync(StatusCode.NotFound, () => other.LookupCaseAsync(next).ResponseAsync);
        for (var i = 0; i < 15; i++)
        {
            var found = await busy.LookupCaseAsync(new V1.LookupCaseRequest { CaseNumber = known, Phone = Requests.FakePhone, ServicePassword = "test-password-1" });
            Assert.Equal(known, found.CaseNumber);
        }
    }

    [Fact]
    public async Task A_message_beyond_the_size_limit_is_refused_and_the_engine_goes_on()
    {
        await using var engine = await EngineInstance.StartAsync();
        var huge = new V1.ImportDirectoryRequest { Json = new string('x', Engine.Api.GrpcApiExtensions.MaxReceiveMessageBytes + 1) };

        await RpcAssert.StatusAsync(StatusCode.ResourceExhausted, () => engine.Directory.ImportDirectoryAsync(huge).ResponseAsync);

        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
    }
}
