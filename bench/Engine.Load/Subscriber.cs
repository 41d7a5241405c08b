using Grpc.Core;
using Grpc.Net.Client;
using HdrHistogram;
using V1 = Engine.V1;

namespace Engine.Load;

/// <summary>A downstream subscriber reading the whole event stream from the head, measuring how long after its
/// commit each event arrives.</summary>
internal sealed class Subscriber
{
    private readonly LongHistogram _lag = new(600_000_000, 3);
    private long _events;
    private Task _reading = Task.CompletedTask;

    public static Subscriber Start(GrpcChannel channel, CancellationToken stop)
    {
        var subscriber = new Subscriber();
        subscriber._reading = Task.Run(() => subscriber.ReadAsync(channel, stop), CancellationToken.None);
        return subscriber;
    }

    public Dictionary<string, object> Summary()
    {
        lock (_lag)
        {
            return new()
            {
                ["events"] = _events,
                ["lagMs"] = _lag.TotalCount == 0
                    ? new Dictionary<string, double>()
                    : new Dictionary<string, double> { ["p50"] = _lag.GetValueAtPercentile(50) / 1000.0, ["p99"] = _lag.GetValueAtPercentile(99) / 1000.0, ["max"] = _lag.GetMaxValue() / 1000.0 },
            };
        }
    }

    private async Task ReadAsync(GrpcChannel channel, CancellationToken stop)
    {
        // From the start of the log (catching up is part of a subscriber's life); lag counts only this run's events.
        var since = DateTimeOffset.UtcNow;
        using var call = new V1.EventService.EventServiceClient(channel).Subscribe(new V1.SubscribeRequest(), cancellationToken: stop);
        try
        {
            while (await call.ResponseStream.MoveNext(stop))
            {
                if (call.ResponseStream.Current.Event is { } e && e.At.ToDateTimeOffset() >= since)
                {
                    var lag = (long)(DateTimeOffset.UtcNow - e.At.ToDateTimeOffset()).TotalMicroseconds;
                    lock (_lag)
                    {
                        _lag.RecordValue(Math.Max(1, lag));
                        _events++;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || (ex is RpcException rpc && rpc.StatusCode == StatusCode.Cancelled))
        {
        }
    }
}
