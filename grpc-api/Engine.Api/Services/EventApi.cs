using Microsoft.Extensions.DependencyInjection;
using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>
/// Event subscriptions: catch-up from the log, then the live tail, in one loop that always reads the log itself
/// (waking early when the engine appends), so the seam between the two can neither skip nor repeat an event. A slow
/// subscriber only slows its own loop: the next batch is read after the previous one was written to it.
/// A named subscription starts from the cursor its members commit; a consumer group of n members splits the log by
/// aggregate, so each event reaches one member and one aggregate's events stay in order.
/// When the engine shuts down, open streams end with UNAVAILABLE naming the sequence to resume from, so that a
/// graceful stop does not wait on subscribers. When the key that opened a stream is revoked, expires or is narrowed,
/// the stream ends (UNAUTHENTICATED, or PERMISSION_DENIED) as soon as this process knows, and never sends an event
/// written after the key change (decision 37).
/// </summary>
[BindServiceMethod(typeof(StrictParsing<V1.EventService.EventServiceBase>), nameof(StrictParsing<V1.EventService.EventServiceBase>.BindService))]
public sealed class EventApi(
    IClusterClient grains, IOptions<EventStreamOptions> options, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IHostApplicationLifetime lifetime, Security.KeyRing keys)
    : V1.EventService.EventServiceBase
{
    public const int MaxFilterValues = 100;
    public const int MaxMembers = 256;
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    /// <summary>How long a write already in flight when the stream's key ends may take before it is cut: enough for a
    /// subscriber that reads, short enough that one that does not is cut within the 2 s of docs/security.md.</summary>
    private static readonly TimeSpan WriteGrace = TimeSpan.FromSeconds(1);

    private static readonly System.Diagnostics.Metrics.Histogram<double> DeliveryLag = Telemetry.ApiMeter.CreateHistogram<double>(
        "engine.events.delivery_lag", "ms", "Age of the newest event of a batch when the batch was written to a subscriber: how far a stream is behind the log");

    /// <summary>A wait is one grain call, which Orleans times out at 30 s (start-up refuses a longer interval; this
    /// holds where the options were not validated).</summary>
    private TimeSpan HeartbeatEvery => options.Value.HeartbeatInterval > EventStreamOptions.LongestHeartbeatInterval ? EventStreamOptions.LongestHeartbeatInterval : options.Value.HeartbeatInterval;

    public override async Task Subscribe(V1.SubscribeRequest request, IServerStreamWriter<V1.SubscribeResponse> responseStream, ServerCallContext context)
    {
        var filter = Scoped(Validate(request), context);
        var caller = Security.Principal.Of(context);
        var mask = !caller.Scope.PersonalData;
        using var access = keys.Watch(caller);
        var reader = grains.GetGrain<IEventReaderGrain>(0);
        var head = await reader.HeadAsync();
        var earliest = await reader.EarliestAsync();
        var from = request.Subscription.Length > 0
            ? await reader.GetCursorAsync(request.Subscription, request.MemberIndex) ?? 0
            : request.FromSequence;
        if (from > head)
        {
            throw Errors.Plain(StatusCode.OutOfRange, $"from_sequence {from} is beyond the head of the log ({head}); the earliest available sequence is {earliest}");
        }

        if (from > 0 && from < earliest - 1)
        {
            throw Errors.Plain(StatusCode.OutOfRange, $"from_sequence {from} is before the earliest available sequence {earliest}: older events were removed by retention");
        }

        var after = Math.Max(from, earliest - 1);
        var settings = options.Value;

        // Accepted: the headers go out now, so that a subscriber knows its stream is live before the first event or
        // heartbeat (and holds its place among the streams the engine allows).
        await context.WriteResponseHeadersAsync([]);
        // Writes stop when the subscriber goes, or when its key has ended and the write is stuck: grpc-dotnet aborts the
        // HTTP/2 stream when a write is cancelled (a message may be half sent), and the subscriber hears CANCELLED
        // instead of why. So a write already in flight when the key ends (its message was checked before the end was
        // known) may finish for WriteGrace, and the subscriber that reads hears UNAUTHENTICATED from the next check;
        // one that does not read (HTTP/2 flow control full) is cut then, inside the 2 s docs/security.md promises.
        // A stopping engine ends the stream between writes: a write to a subscriber that reads holds the stop for
        // microseconds, and one stuck on a subscriber that does not read is cut after WriteGrace too (it held the stop
        // for the host's whole shutdown timeout, 30 s).
        using var stuck = new CancellationTokenSource();
        using var onEnded = access.Ended.Register(() => stuck.CancelAfter(WriteGrace));
        using var writes = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stuck.Token);
        var cancel = writes.Token;
        var stopping = new TaskCompletionSource();
        using var onStopping = lifetime.ApplicationStopping.Register(() =>
        {
            stopping.TrySetResult();
            stuck.CancelAfter(WriteGrace);
        });
        try
        {
            while (true)
            {
                // Stopping first: the host may also have cancelled the request, and the subscriber must hear why.
                if (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    throw Errors.Plain(StatusCode.Unavailable, $"the engine is shutting down: subscribe again from sequence {after}");
                }

                if (context.CancellationToken.IsCancellationRequested)
                {
                    return;
                }

                access.ThrowIfEnded(after);
                var batch = await reader.ReadAsync(after, filter, settings.BatchSize);
                if (batch.Events.Length > 0)
                {
                    // The events were read with the key table's revision: a key change they might follow is known here
                    // before the first of them goes out.
                    await access.ConfirmAsync(batch.AccessRevision, after);
                }

                for (var i = 0; i < batch.Events.Length; i++)
                {
                    // And between messages: a batch read before the key ended is not sent after the end is known.
                    access.ThrowIfEnded(i == 0 ? after : batch.Events[i - 1].Sequence);
                    // Within a batch, let HTTP/2 buffer the messages; the last one of the batch flushes them all.
                    responseStream.WriteOptions = i < batch.Events.Length - 1 ? Buffered : null;
                    await responseStream.WriteAsync(new V1.SubscribeResponse { Event = ToProto(batch.Events[i], mask) }, cancel);
                }

                if (batch.Events.Length > 0)
                {
                    DeliveryLag.Record((time.GetUtcNow() - batch.Events[^1].At).TotalMilliseconds,
                        new KeyValuePair<string, object?>("subscription", request.Subscription.Length > 0 ? request.Subscription : "none"));
                }

                after = batch.ScannedUpTo;
                if (batch.Events.Length < settings.BatchSize && !await WaitAsync(reader, after, stopping.Task, access.WhenEnded))
                {
                    access.ThrowIfEnded(after);
                    await responseStream.WriteAsync(new V1.SubscribeResponse
                    {
                        Heartbeat = new V1.Heartbeat { At = Timestamp.FromDateTimeOffset(time.GetUtcNow()), HeadSequence = after },
                    }, cancel);
                }
            }
        }
        catch (OperationCanceledException) when (access.Ended.IsCancellationRequested)
        {
            // A write cut because the key ended: the stream is reset already; this is what the server records.
            access.ThrowIfEnded(after);
            throw;
        }
        catch (Exception ex) when (ex is not RpcException && lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopped mid-write or mid-read (the host cancels the request, the silo refuses calls as it leaves):
            // resuming after the last whole batch may repeat events, which at-least-once allows.
            throw Errors.Plain(StatusCode.Unavailable, $"the engine is shutting down: subscribe again from sequence {after}");
        }
    }

    /// <summary>Waits for the log to grow past <paramref name="after"/>, at most a heartbeat interval, or until the
    /// engine stops or the key ends; answers whether it grew.</summary>
    private async Task<bool> WaitAsync(IEventReaderGrain reader, long after, Task stopping, Task keyEnded)
    {
        var waited = reader.WaitAsync(after, HeartbeatEvery);
        return await Task.WhenAny(waited, stopping, keyEnded) == waited && await waited;
    }

    private static EventFilter Validate(V1.SubscribeRequest request)
    {
        var v = new RequestValidator();
        if (request.FromSequence < 0)
        {
            v.Add("from_sequence", "must be 0 (the start of the log) or a sequence already received");
        }

        var filter = request.Filter ?? new V1.EventFilter();
        if (filter.EventTypes.Count > MaxFilterValues || filter.CourtIds.Count > MaxFilterValues || filter.Kinds.Count > MaxFilterValues)
        {
            v.Add("filter", $"at most {MaxFilterValues} values per list");
        }

        var listedKnown = false;
        for (var i = 0; i < filter.EventTypes.Count && i < MaxFilterValues; i++)
        {
            if (!EventTypes.All.Contains(filter.EventTypes[i]))
            {
                // The known types are listed once: listed in each of many violations they made trailers past what
                // clients read (64 KiB).
                v.Add($"filter.event_types[{i}]", listedKnown
                    ? $"{Errors.Quote(filter.EventTypes[i])} is not an event type"
                    : $"{Errors.Quote(filter.EventTypes[i])} is not an event type; known: {string.Join(", ", EventTypes.All.Order(StringComparer.Ordinal))}");
                listedKnown = true;
            }
        }

        for (var i = 0; i < filter.CourtIds.Count && i < MaxFilterValues; i++)
        {
            v.RequireId($"filter.court_ids[{i}]", filter.CourtIds[i]);
        }

        for (var i = 0; i < filter.Kinds.Count && i < MaxFilterValues; i++)
        {
            v.RequireEnum($"filter.kinds[{i}]", filter.Kinds[i]);
        }

        if (request.Subscription.Length > 0)
        {
            CheckSubscription(v, "subscription", request.Subscription);
        }

        if (request.MemberCount is < 0 or > MaxMembers)
        {
            v.Add("member_count", $"must be between 0 (no group) and {MaxMembers}");
        }
        else if (request.MemberIndex < 0 || (request.MemberIndex > 0 && request.MemberIndex >= request.MemberCount))
        {
            v.Add("member_index", $"must be between 0 and member_count - 1 ({request.MemberCount - 1})");
        }

        v.ThrowIfInvalid();
        return new EventFilter(
            [.. filter.EventTypes], [.. filter.CourtIds], [.. filter.Kinds.Select(k => (TicketKind)k)], request.MemberIndex, request.MemberCount);
    }

    public override async Task<V1.CommitCursorResponse> CommitCursor(V1.CommitCursorRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckSubscription(v, "subscription", request.Subscription);
        if (request.MemberIndex is < 0 or >= MaxMembers)
        {
            v.Add("member_index", $"must be between 0 and {MaxMembers - 1}");
        }

        var reader = grains.GetGrain<IEventReaderGrain>(0);
        var head = await reader.HeadAsync();
        if (request.Sequence < 0 || request.Sequence > head)
        {
            v.Add("sequence", $"must be a sequence that was delivered (0 to {head})");
        }

        v.ThrowIfInvalid();
        return new V1.CommitCursorResponse { Sequence = await reader.CommitCursorAsync(request.Subscription, request.MemberIndex, request.Sequence) };
    }

    public override async Task<V1.GetCursorResponse> GetCursor(V1.GetCursorRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckSubscription(v, "subscription", request.Subscription);
        v.ThrowIfInvalid();
        var cursor = await grains.GetGrain<IEventReaderGrain>(0).GetCursorAsync(request.Subscription, request.MemberIndex)
            ?? throw Errors.NotFound($"subscription '{request.Subscription}' member {request.MemberIndex} has committed no cursor");
        return new V1.GetCursorResponse { Sequence = cursor };
    }

    /// <summary>Subscription names: 1–64 letters, digits, '.', '_' or '-'.</summary>
    private static void CheckSubscription(RequestValidator v, string field, string name)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            v.Add(field, "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }

    /// <summary>A key limited to courts reads only their events: its filter's courts must be among them, and an
    /// empty court filter becomes its courts.</summary>
    private static EventFilter Scoped(EventFilter filter, ServerCallContext context)
    {
        var scope = Security.Principal.Of(context).Scope;
        if (!Security.Scopes.Limited(scope) || scope.CourtIds.Contains(AccessScope.AllCourts))
        {
            return filter;
        }

        for (var i = 0; i < filter.Courts.Length; i++)
        {
            Security.Scopes.RequireCourt(context, filter.Courts[i], $"filter.court_ids[{i}]");
        }

        return filter.Courts.IsDefaultOrEmpty ? filter with { Courts = scope.CourtIds } : filter;
    }

    private static V1.Event ToProto(LoggedEvent e, bool maskPhones)
    {
        var proto = ToProto(e);
        return maskPhones ? Security.PersonalData.Masked(proto) : proto;
    }

    private static V1.Event ToProto(LoggedEvent e) => new()
    {
        Sequence = e.Sequence,
        AggregateId = e.AggregateId,
        AggregateVersion = e.AggregateVersion,
        EventType = e.Type,
        At = Timestamp.FromDateTimeOffset(e.At),
        Actor = e.Actor,
        CourtId = e.CourtId ?? string.Empty,
        Kind = (V1.TicketKind)e.Kind,
        Payload = Any.Parser.ParseFrom(e.Payload),
    };
}
