using Engine.Contracts;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Engine.Api.Security;

/// <summary>
/// An open stream's hold on the key that opened it. The call was admitted once, but the key can be revoked, expire or
/// lose scope while the stream stays open (for days), so the stream asks this before everything it sends:
/// <see cref="ConfirmAsync"/> for each batch read from the log, <see cref="ThrowIfEnded"/> before each message, and it
/// wakes on <see cref="WhenEnded"/> while it waits. The watch ends when a reload of the key table shows the key revoked,
/// gone, or with a narrower role or scope, and when the engine's clock reaches the key's expiry (decision 37).
/// </summary>
public sealed partial class KeyWatch : IDisposable
{
    /// <summary>The longest one timer is set for: a key that expires in a year is looked at again each day (timers take
    /// at most about 49 days).</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

    private readonly KeyRing _ring;
    private readonly Principal _caller;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer? _expiry;
    private readonly CancellationTokenSource _ended = new();
    private readonly TaskCompletionSource _whenEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private int _end; // a KeyEnd, as an int for Volatile
    private bool _disposed;

    internal KeyWatch(KeyRing ring, Principal caller, TimeProvider time, ILogger logger)
    {
        _ring = ring;
        _caller = caller;
        _time = time;
        _logger = logger;
        if (caller.KeyId is null)
        {
            // The open caller (authentication off) has no key to lose.
            return;
        }

        _expiry = time.CreateTimer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        ring.Add(this);
        Check();
    }

    /// <summary>Fires when this process knows the key is no longer in force as the stream was opened. A write in progress
    /// is cut with it: nothing more goes out once the end is known, even to a subscriber that is not reading.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Completes when <see cref="Ended"/> fires, for a stream that waits on other things too.</summary>
    public Task WhenEnded => _whenEnded.Task;

    /// <summary>Throws what the subscriber hears once the key has ended: UNAUTHENTICATED when it was revoked or expired,
    /// PERMISSION_DENIED (with where to resume) when its role or scope was narrowed.</summary>
    /// <param name="resumeAfter">The last sequence the stream delivered.</param>
    public void ThrowIfEnded(long resumeAfter)
    {
        switch ((KeyEnd)Volatile.Read(ref _end))
        {
            case KeyEnd.InForce:
                return;
            case KeyEnd.Narrowed:
                throw Errors.Plain(StatusCode.PermissionDenied,
                    $"the role or scope of the API key that opened this stream changed: subscribe again, with the key as it is now, from sequence {resumeAfter}");
            default:
                throw Errors.Plain(StatusCode.Unauthenticated, "the API key that opened this stream is no longer valid (revoked or expired)");
        }
    }

    /// <summary>Checks the key before a batch read with <paramref name="accessRevision"/> (the key table's revision read
    /// in the same snapshot as the events) is sent: the key table held here is brought up to that revision first, so a key
    /// revoked before the events were written is known here before any of them goes out, however long until the next
    /// periodic reload.</summary>
    public async ValueTask ConfirmAsync(long accessRevision, long resumeAfter)
    {
        if (_caller.KeyId is null)
        {
            return;
        }

        if (_ring.Revision < accessRevision)
        {
            await _ring.RefreshAsync(accessRevision);
        }

        Check();
        ThrowIfEnded(resumeAfter);
    }

    /// <summary>Looks at the key as this process holds it now (after a reload, when the expiry timer fires, before a
    /// batch goes out) and ends the watch if it is no longer in force; otherwise sets the timer for its expiry.</summary>
    internal void Check()
    {
        if ((KeyEnd)Volatile.Read(ref _end) != KeyEnd.InForce)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var key = _ring.Find(_caller.KeyId!);
        var end = key is null || key.RevokedAt is not null ? KeyEnd.Revoked
            : !key.IsActive(now) ? KeyEnd.Expired
            : Narrows(_caller, key) ? KeyEnd.Narrowed
            : KeyEnd.InForce;
        if (end == KeyEnd.InForce)
        {
            if (key!.ExpiresAt is { } expires)
            {
                var due = expires - now;
                SetTimer(due > LongestTimer ? LongestTimer : due);
            }

            return;
        }

        lock (_gate)
        {
            if (_disposed || (KeyEnd)_end != KeyEnd.InForce)
            {
                return;
            }

            Volatile.Write(ref _end, (int)end);
            Log.StreamEnded(_logger, _caller.KeyId!, end);
            _ended.Cancel();
            _whenEnded.TrySetResult();
        }
    }

    /// <summary>True when <paramref name="now"/> reaches less than <paramref name="before"/> did: another role, the
    /// personal-data scope taken away, channels or courts taken away (a court list where there was none is narrower; a
    /// list with '*' reaches every court), or another judge. A wider scope leaves the stream as it was opened.</summary>
    public static bool Narrows(Principal before, ApiKeyInfo now)
    {
        var was = before.Scope;
        var @is = now.Scope;
        return now.Role != before.Role
            || (was.PersonalData && !@is.PersonalData)
            || !string.Equals(was.JudgeId, @is.JudgeId, StringComparison.Ordinal)
            || (!was.Channels.IsDefaultOrEmpty && (@is.Channels.IsDefaultOrEmpty || !was.Channels.All(@is.Channels.Contains)))
            || CourtsNarrowed(was, @is);
    }

    private static bool CourtsNarrowed(AccessScope was, AccessScope @is)
    {
        static bool Everywhere(AccessScope scope) => scope.CourtIds.IsDefaultOrEmpty || scope.CourtIds.Contains(AccessScope.AllCourts);

        if (Everywhere(@is))
        {
            return false;
        }

        return Everywhere(was) || !was.CourtIds.All(@is.CourtIds.Contains);
    }

    private void SetTimer(TimeSpan due)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                // At least a millisecond: a timer that fires a moment before the clock reads the expiry looks again.
                _expiry!.Change(due > TimeSpan.FromMilliseconds(1) ? due : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        if (_caller.KeyId is null)
        {
            return;
        }

        _ring.Remove(this);
        lock (_gate)
        {
            // Under the lock: a reload or the timer may be looking at this watch right now, and must not cancel a
            // disposed source.
            _disposed = true;
            _expiry!.Dispose();
            _ended.Dispose();
        }
    }

    /// <summary>Where a watched key stands (Narrowed: a narrower role or scope than the stream was opened with).</summary>
    private enum KeyEnd
    {
        InForce,
        Revoked,
        Expired,
        Narrowed,
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.KeyStreamEnded, Level = LogLevel.Information, Message = "Ended a stream of key {KeyId}: the key is {End}")]
        public static partial void StreamEnded(ILogger logger, string keyId, KeyEnd end);
    }
}
