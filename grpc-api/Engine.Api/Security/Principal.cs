using Engine.Contracts;
using Grpc.Core;

namespace Engine.Api.Security;

/// <summary>Who is calling: the key that authenticated, with its role and scope.</summary>
public sealed record Principal(string? KeyId, string Name, AccessRole Role, AccessScope Scope, int RatePerSecond)
{
    private const string UserStateKey = "engine.principal";

    /// <summary>Every caller when authentication is off: admin, personal data in clear, no rate limit.</summary>
    public static Principal Open { get; } = new(null, "open", AccessRole.Admin, AccessScope.Unlimited, 0);

    /// <summary>How the audit log and tickets' history name this caller; never the secret.</summary>
    public string Actor => KeyId is null ? "open (no authentication)" : $"key:{KeyId} ({Name})";

    /// <summary>The token bucket this caller draws from: the rate is part of it, so a key re-made with another rate
    /// gets a bucket of that size. Made once, not per call.</summary>
    public string RateBucket { get; } = $"{KeyId}/{RatePerSecond}";

    public static Principal From(ApiKeyInfo key) => new(key.KeyId, key.Name, key.Role, key.Scope, key.RatePerSecond);

    internal void AttachTo(ServerCallContext context) => context.UserState[UserStateKey] = this;

    /// <summary>The caller the authentication interceptor attached; <see cref="Open"/> when none did (a service called
    /// directly in a unit test).</summary>
    public static Principal Of(ServerCallContext context) =>
        context.UserState.TryGetValue(UserStateKey, out var value) && value is Principal principal ? principal : Open;
}
