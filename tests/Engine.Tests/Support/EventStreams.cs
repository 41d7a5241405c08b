using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>Reading an EventService.Subscribe stream in tests.</summary>
public static class EventStreams
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Reads events (skipping heartbeats) until <paramref name="enough"/> says so; fails when the stream
    /// ends or <paramref name="patience"/> (default 30 s) runs out first.</summary>
    public static async Task<List<V1.Event>> ReadEventsAsync(
        AsyncServerStreamingCall<V1.SubscribeResponse> call, Func<List<V1.Event>, bool> enough, List<V1.Event>? already = null, TimeSpan? patience = null)
    {
        var events = already ?? [];
        using var timeout = new CancellationTokenSource(patience ?? Patience);
        while (!enough(events))
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the stream ended");
            if (call.ResponseStream.Current.ItemCase == V1.SubscribeResponse.ItemOneofCase.Event)
            {
                events.Add(call.ResponseStream.Current.Event);
            }
        }

        return events;
    }
}
