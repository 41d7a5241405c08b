using System.Collections.Concurrent;
using System.Collections.Frozen;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Engine.Api.Security;

/// <summary>
/// This process's copy of the key table, by key id and by bound certificate, reloaded when the table's revision
/// changes (<see cref="KeyRingRefresher"/>), so keys are checked without a database read per call and a key made or
/// revoked anywhere takes effect everywhere within the refresh interval — no restart. Open streams watch the key they
/// were opened with (<see cref="Watch"/>) and end when a reload or the engine's clock says it is no longer in force.
/// </summary>
public sealed partial class KeyRing(IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, ILogger<KeyRing> logger) : IDisposable
{
    private sealed record Table(long Revision, FrozenDictionary<string, ApiKeyInfo> ById, FrozenDictionary<string, ApiKeyInfo> ByCertificate);

    private static readonly byte[] NoHash = new byte[32];
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly ConcurrentDictionary<KeyWatch, byte> _watches = new();
    private volatile Table? _table;

    public long Revision => _table?.Revision ?? -1;

    /// <summary>The caller a presented key or certificate stands for, or null. Every refusal looks the same to the
    /// caller; the log says which it was, by key id only.</summary>
    public async ValueTask<Principal?> AuthenticateAsync(string? presentedKey, string? certificateSha256)
    {
        var table = _table ?? await LoadAsync();
        var now = time.GetUtcNow();
        if (certificateSha256 is not null && table.ByCertificate.TryGetValue(certificateSha256, out var bound))
        {
            if (bound.IsActive(now))
            {
                return Principal.From(bound);
            }

            Log.Refused(logger, bound.KeyId, bound.RevokedAt is null ? "expired" : "revoked");
        }

        if (!ApiKeys.TryParse(presentedKey, out var keyId, out var secret))
        {
            return null;
        }

        var known = table.ById.TryGetValue(keyId, out var key);
        if (!known && await RefreshOnMissAsync())
        {
            // A key made a moment ago (at another front-end, or before this one's first refresh) works at once.
            known = _table!.ById.TryGetValue(keyId, out key);
        }

        // The hash is compared even for an unknown id, so that an unknown id and a wrong secret take the same time.
        var matches = ApiKeys.Matches(secret, known ? key!.SecretSha256.AsSpan() : NoHash) && known;
        if (!matches)
        {
            Log.Refused(logger, keyId, known ? "wrong secret" : "unknown key id");
            return null;
        }

        if (!key!.IsActive(now))
        {
            Log.Refused(logger, keyId, key.RevokedAt is null ? "expired" : "revoked");
            return null;
        }

        return Principal.From(key);
    }

    /// <summary>Reloads the keys if the table changed since the copy held.</summary>
    public Task RefreshAsync() => RefreshAsync(long.MaxValue);

    /// <summary>Reloads the keys unless the copy held is at <paramref name="atLeast"/> already (another stream may have
    /// reloaded while this one waited its turn).</summary>
    public async Task RefreshAsync(long atLeast)
    {
        await _loading.WaitAsync();
        try
        {
            if (Revision >= atLeast)
            {
                return;
            }

            var snapshot = await grains.GetGrain<IAccessGrain>(0).GetKeysAsync(Revision);
            if (snapshot is not null)
            {
                _table = new Table(
                    snapshot.Revision,
                    snapshot.Keys.ToFrozenDictionary(k => k.KeyId, StringComparer.Ordinal),
                    snapshot.Keys.Where(k => k.CertificateSha256 is not null).ToFrozenDictionary(k => k.CertificateSha256!, StringComparer.Ordinal));
                Log.Loaded(logger, snapshot.Keys.Length, snapshot.Revision);
                foreach (var watch in _watches.Keys)
                {
                    watch.Check();
                }
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Watches the key <paramref name="caller"/> authenticated with, for a stream that stays open after the call
    /// was admitted; dispose it when the stream ends. The open caller (no authentication) gets a watch that never ends.</summary>
    public KeyWatch Watch(Principal caller) => new(this, caller, time, logger);

    public void Dispose() => _loading.Dispose();

    internal void Add(KeyWatch watch) => _watches.TryAdd(watch, 0);

    internal void Remove(KeyWatch watch) => _watches.TryRemove(watch, out _);

    /// <summary>The key <paramref name="keyId"/> as this process holds it now, or null when the table lacks it.</summary>
    internal ApiKeyInfo? Find(string keyId) => _table is { } table && table.ById.TryGetValue(keyId, out var key) ? key : null;

    /// <summary>Reloads for an unknown key id, at most once a second, so that random ids cost the database at most one
    /// small read a second; answers whether it reloaded.</summary>
    private async Task<bool> RefreshOnMissAsync()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastMissRefresh);
        if (now - last < 1000 || Interlocked.CompareExchange(ref _lastMissRefresh, now, last) != last)
        {
            return false;
        }

        await RefreshAsync();
        return true;
    }

    private long _lastMissRefresh = long.MinValue / 2;

    private async Task<Table> LoadAsync()
    {
        await RefreshAsync();
        return _table!;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.KeysLoaded, Level = LogLevel.Information, Message = "Loaded {Count} API keys (revision {Revision})")]
        public static partial void Loaded(ILogger logger, int count, long revision);

        [LoggerMessage(EventId = LogEventIds.KeyRefused, Level = LogLevel.Warning, Message = "Refused key {KeyId}: {Reason}")]
        public static partial void Refused(ILogger logger, string keyId, string reason);
    }
}
