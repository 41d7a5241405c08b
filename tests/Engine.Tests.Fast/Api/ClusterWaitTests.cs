using System.Diagnostics;
using Engine.Api;
using Engine.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using V1 = Engine.V1;

namespace Engine.Tests.Api;

/// <summary>A call stuck on a frozen or lost silo is answered UNAVAILABLE after Engine:Calls:ClusterWait, not at the
/// caller's deadline, so the caller retries at once; the calls that run long by nature wait for the deadline.</summary>
public sealed class ClusterWaitTests
{
    private static ErrorInterceptor Interceptor(TimeSpan wait) =>
        new(NullLogger<ErrorInterceptor>.Instance, Microsoft.Extensions.Options.Options.Create(new CallWaitOptions { ClusterWait = wait }));

    [Fact]
    public async Task A_call_the_cluster_does_not_answer_is_unavailable_after_the_cluster_wait_not_at_its_deadline()
    {
        var stuck = new TaskCompletionSource<V1.TicketResponse>();
        var context = new TestCallContext("/engine.v1.TicketService/Reply", DateTime.UtcNow.AddSeconds(30));
        var watch = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<RpcException>(() => Interceptor(TimeSpan.FromSeconds(1))
            .UnaryServerHandler<V1.ReplyRequest, V1.TicketResponse>(new V1.ReplyRequest(), context, (_, _) => stuck.Task));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_long_call_waits_for_its_deadline_and_a_prompt_answer_passes_through()
    {
        var slow = Task.Delay(TimeSpan.FromSeconds(1.5)).ContinueWith(_ => new V1.ImportDirectoryResponse { Courts = 25 }, TaskScheduler.Default);
        var context = new TestCallContext("/engine.v1.DirectoryService/ImportDirectory", DateTime.UtcNow.AddSeconds(30));

        var imported = await Interceptor(TimeSpan.FromSeconds(1)).UnaryServerHandler<V1.ImportDirectoryRequest, V1.ImportDirectoryResponse>(
            new V1.ImportDirectoryRequest(), context, (_, _) => slow);

        Assert.Equal(25, imported.Courts);
    }

    [Fact]
    public void The_cluster_wait_is_refused_at_start_outside_one_second_to_a_minute()
    {
        var validator = new CallWaitOptionsValidator("Engine:Calls");

        Assert.True(validator.Validate(null, new CallWaitOptions()).Succeeded);
        Assert.StartsWith("Engine:Calls:ClusterWait must be between", validator.Validate(null, new CallWaitOptions { ClusterWait = TimeSpan.Zero }).FailureMessage, StringComparison.Ordinal);
    }
}
