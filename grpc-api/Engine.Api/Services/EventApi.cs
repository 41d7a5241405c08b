using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>
/// Event subscriptions: catch-up from the log, then the live tail, in one loop that always reads the log itself
/// (waking early when the engine appends), so the seam between the two can neither skip nor repeat an event. A slow
/// subscriber only slows its own loop: the next batch is read after the previous one was written to it.
/// Named subscriptions, cursors and consumer groups answer UNIMPLEMENTED until they are built.
/// </summary>
public sealed class EventApi(IClusterClient grains, IOptions<EventStreamOptions> options, TimeProvider time) : V1.EventService.EventServiceBase
{
    public const int MaxFilterValues = 100;

    public override async Task Subscribe(V1.SubscribeRequest request, IServerStreamWriter<V1.SubscribeResponse> responseStream, ServerCallContext context)
    {
        if (request.Subscription.Length > 0 || request.MemberCount > 0)
        {
            throw Errors.Plain(StatusCode.Unimplemented, "named subscriptions and consumer groups are not built yet; subscribe with from_sequence");
        }

        var filter = Validate(request);
        var reader = grains.GetGrain<IEventReaderGrain>(0);
        var head = await reader.HeadAsync();
        if (request.FromSequence > head)
        {
            throw Errors.Plain(StatusCode.OutOfRange, $"from_sequence {request.FromSequence} is beyond the head of the log ({head}); the earliest available sequence is 1");
        }

        var after = request.FromSequence;
        var settings = options.Value;
        var cancel = context.CancellationToken;
        while (!cancel.IsCancellationRequested)
        {
            var batch = await reader.ReadAsync(after, filter, settings.BatchSize);
            foreach (var e in batch.Events)
            {
                await responseStream.WriteAsync(new V1.SubscribeResponse { Event = ToProto(e) }, cancel);
            }

            after = batch.ScannedUpTo;
            if (batch.Events.Length < settings.BatchSize && !await reader.WaitAsync(after, settings.HeartbeatInterval))
            {
                await responseStream.WriteAsync(new V1.SubscribeResponse
                {
                    Heartbeat = new V1.Heartbeat { At = Timestamp.FromDateTimeOffset(time.GetUtcNow()), HeadSequence = after },
                }, cancel);
            }
        }
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

        for (var i = 0; i < filter.EventTypes.Count && i < MaxFilterValues; i++)
        {
            if (!EventTypes.All.Contains(filter.EventTypes[i]))
            {
                v.Add($"filter.event_types[{i}]", $"'{Truncate(filter.EventTypes[i])}' is not an event type; known: {string.Join(", ", EventTypes.All.Order(StringComparer.Ordinal))}");
            }
        }

        for (var i = 0; i < filter.CourtIds.Count && i < MaxFilterValues; i++)
        {
            v.RequireText($"filter.court_ids[{i}]", filter.CourtIds[i], SubmitValidation.MaxIdLength);
        }

        for (var i = 0; i < filter.Kinds.Count && i < MaxFilterValues; i++)
        {
            v.RequireEnum($"filter.kinds[{i}]", filter.Kinds[i]);
        }

        v.ThrowIfInvalid();
        return new EventFilter([.. filter.EventTypes], [.. filter.CourtIds], [.. filter.Kinds.Select(k => (TicketKind)k)]);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

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
