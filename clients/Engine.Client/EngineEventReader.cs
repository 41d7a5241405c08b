using System.Runtime.CompilerServices;
using Engine.V1;
using Grpc.Core;

namespace Engine.Client;

/// <summary>What to read from the engine's event log.</summary>
public sealed class EventSubscription
{
    /// <summary>A named subscription: the engine remembers where it got to (<see cref="EngineEventReader.CommitAsync"/>)
    /// and a new reader starts after the committed sequence (<see cref="FromSequence"/> is then ignored). Empty: an
    /// unnamed reader starting after <see cref="FromSequence"/>.</summary>
    public string? Name { get; init; }

    /// <summary>For an unnamed reader: read events after this sequence (0: from the start of the log).</summary>
    public long FromSequence { get; init; }

    /// <summary>Only these event types, courts or ticket kinds (none: every event).</summary>
    public EventFilter? Filter { get; init; }

    /// <summary>For a consumer group: this member's index (0-based) of <see cref="MemberCount"/>; the log is shared
    /// out by aggregate.</summary>
    public int MemberIndex { get; init; }

    /// <summary>For a consumer group: how many members share the log (0 or 1: no group).</summary>
    public int MemberCount { get; init; }

    internal string Label => string.IsNullOrEmpty(Name) ? "(unnamed)" : Name;

    internal void Check()
    {
        if (FromSequence < 0)
        {
            throw new ArgumentException($"FromSequence must be 0 or more (it is {FromSequence})", nameof(FromSequence));
        }

        if (MemberCount < 0 || MemberIndex < 0 || (MemberCount > 1 && MemberIndex >= MemberCount) || (MemberCount <= 1 && MemberIndex != 0))
        {
            throw new ArgumentException($"MemberIndex must be from 0 to MemberCount - 1 (they are {MemberIndex} and {MemberCount})", nameof(MemberIndex));
        }
    }
}

/// <summary>
/// Reads the event log and keeps reading across breaks: when the stream fails (the engine restarted, a front-end
/// went away, the connection died or stayed silent longer than <see cref="EngineClientOptions.EventStreamSilence"/>),
/// it subscribes again from the last event it handed out, after the retry policy's backoff, so the events come in
/// order without a gap and without one handed out twice. A named subscription resumes on the engine from its committed
/// cursor; the reader skips what it had already handed out.
/// </summary>
/// <remarks>One reader at a time: <see cref="ReadAllAsync"/> is not to be enumerated twice at once. It gives up with
/// <see cref="EngineCallException"/> after <see cref="EngineRetryOptions.MaxAttempts"/> failed subscriptions in a row
/// (a stream that delivered anything resets the count), and at once on a refusal (<c>UNAUTHENTICATED</c> when the key
/// is revoked, <c>PERMISSION_DENIED</c>, <c>INVALID_ARGUMENT</c>).</remarks>
public sealed class EngineEventReader
{
    private readonly EngineClient _client;
    private readonly EventSubscription _subscription;
    private long _lastSequence;

    internal EngineEventReader(EngineClient client, EventSubscription subscription)
    {
        _client = client;
        _subscription = subscription;
        _lastSequence = subscription.FromSequence;
    }

    /// <summary>The sequence of the last event handed out (or where the reader started).</summary>
    public long LastSequence => Interlocked.Read(ref _lastSequence);

    /// <summary>The log's head as of the last heartbeat (0 before one): <c>HeadSequence - LastSequence</c> is how far
    /// behind the reader is.</summary>
    public long HeadSequence { get; private set; }

    /// <summary>How many times the reader has subscribed again after a break.</summary>
    public int Resubscriptions { get; private set; }

    /// <summary>The events, in log order, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the reading (the enumeration then throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="EngineCallException">The subscription was refused, or failed too many times in a row.</exception>
    public async IAsyncEnumerable<Event> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var failures = 0;
        while (true)
        {
            var request = new SubscribeRequest
            {
                FromSequence = LastSequence,
                Subscription = _subscription.Name ?? string.Empty,
                Filter = _subscription.Filter,
                MemberIndex = _subscription.MemberIndex,
                MemberCount = _subscription.MemberCount,
            };
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var call = _client.Events.Subscribe(request, _client.AttemptOptions(silence.Token, stream: true));
            var delivered = false;
            RpcException? broke;
            while (true)
            {
                silence.CancelAfter(_client.Options.EventStreamSilence);
                (var item, broke) = await NextAsync(call.ResponseStream, silence.Token, cancellationToken).ConfigureAwait(false);
                if (item is null)
                {
                    break;
                }

                if (!delivered && Resubscriptions > 0)
                {
                    ClientLog.StreamResumed(_client.Logger, _subscription.Label, LastSequence);
                }

                delivered = true;
                failures = 0;
                if (item.Heartbeat is { } heartbeat)
                {
                    HeadSequence = heartbeat.HeadSequence;
                }
                else if (item.Event is { } e && e.Sequence > LastSequence)
                {
                    Interlocked.Exchange(ref _lastSequence, e.Sequence);
                    HeadSequence = Math.Max(HeadSequence, e.Sequence);

                    // The time the caller takes over an event is not the stream's silence.
                    silence.CancelAfter(Timeout.InfiniteTimeSpan);
                    yield return e;
                }
            }

            // The stream ended: it failed, or the engine closed it (shutting down). Subscribe again after a wait.
            broke ??= new RpcException(new Status(StatusCode.Unavailable, "the engine ended the event stream"));
            failures++;
            if (!RetryPolicy.IsRetryable(broke) || failures >= _client.Options.Retry.MaxAttempts)
            {
                throw new EngineCallException("EventService/Subscribe", broke, failures, outcomeUnknown: false);
            }

            var wait = RetryPolicy.Backoff(_client.Options.Retry, failures + 1, RetryPolicy.EngineAsked(broke), _client.NextRandom());
            ClientLog.StreamBroke(_client.Logger, _subscription.Label, LastSequence, broke.StatusCode, broke.Status.Detail, wait);
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            Resubscriptions++;
        }
    }

    /// <summary>Commits <paramref name="sequence"/> as processed for this named subscription (and member).</summary>
    /// <param name="sequence">The last sequence processed (usually an event's from <see cref="ReadAllAsync"/>).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The cursor as stored.</returns>
    /// <exception cref="InvalidOperationException">The subscription has no name.</exception>
    public Task<long> CommitAsync(long sequence, CancellationToken cancellationToken = default) =>
        string.IsNullOrEmpty(_subscription.Name)
            ? throw new InvalidOperationException("only a named subscription has a cursor to commit (EventSubscription.Name)")
            : _client.CommitCursorAsync(_subscription.Name, sequence, _subscription.MemberIndex, cancellationToken);

    /// <summary>The next item, or null and why the stream ended (null: it ended cleanly). A stream cut by the silence
    /// timer counts as unavailable; one cut by the caller's token throws.</summary>
    private static async Task<(SubscribeResponse? Item, RpcException? Broke)> NextAsync(
        IAsyncStreamReader<SubscribeResponse> stream, CancellationToken silence, CancellationToken caller)
    {
        try
        {
            return await stream.MoveNext(silence).ConfigureAwait(false) ? (stream.Current, null) : (null, null);
        }
        catch (RpcException ex) when (caller.IsCancellationRequested)
        {
            throw new OperationCanceledException("the event stream was cancelled", ex, caller);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && silence.IsCancellationRequested)
        {
            return (null, new RpcException(new Status(StatusCode.Unavailable, "the event stream was silent too long (no event, no heartbeat)")));
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return (null, new RpcException(new Status(StatusCode.Unavailable, "the event stream was silent too long (no event, no heartbeat)")));
        }
        catch (RpcException ex)
        {
            return (null, ex);
        }
    }
}
