using Grpc.Core;
using Grpc.Core.Interceptors;
using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>API keys for tests of an engine started with authentication required: the bootstrap admin key it wrote,
/// keys of any role made with it, and call invokers that present a key.</summary>
public static class Keys
{
    public const string RequiredArg = "--Engine:Security:Authentication=Required";

    /// <summary>The key the engine wrote to data/admin.key on its first start.</summary>
    public static string AdminKey(this EngineInstance engine) => File.ReadAllText(Path.Combine(engine.DataDirectory, "admin.key")).Trim();

    /// <summary>Calls that present <paramref name="key"/> (null: none) as a Bearer token.</summary>
    public static CallInvoker As(this EngineInstance engine, string? key) => key is null
        ? engine.Channel.CreateCallInvoker()
        : engine.Channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + key);
            return metadata;
        });

    public static V1.AccessService.AccessServiceClient Access(this EngineInstance engine, string? key) => new(engine.As(key));

    /// <summary>Makes a key (with the admin key) and answers its secret.</summary>
    public static async Task<string> CreateKeyAsync(this EngineInstance engine, V1.AccessRole role, V1.AccessScope? scope = null, int ratePerSecond = 100_000, string? name = null)
    {
        var created = await engine.Access(engine.AdminKey()).CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            Name = name ?? $"test-{role}",
            Role = role,
            Scope = scope ?? new V1.AccessScope(),
            RatePerSecond = ratePerSecond,
        });
        return created.Secret;
    }
}
