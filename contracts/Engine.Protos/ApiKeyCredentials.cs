using Grpc.Core;

namespace Engine.V1;

/// <summary>For clients of an engine that requires keys: call credentials that present an API key as a Bearer token
/// (over TLS; on a clear-text channel the client must allow it, e.g. GrpcChannelOptions.UnsafeUseInsecureChannelCallCredentials).</summary>
public static class ApiKeyCredentials
{
    /// <summary>The environment variable the engine's command-line tools read a key from when none is passed.</summary>
    public const string EnvironmentVariable = "ENGINE_API_KEY";

    public static CallCredentials For(string apiKey) => CallCredentials.FromInterceptor((_, metadata) =>
    {
        metadata.Add("authorization", "Bearer " + apiKey);
        return Task.CompletedTask;
    });

    /// <summary>The key given on the command line, else in <see cref="EnvironmentVariable"/>, else none.</summary>
    public static string? Resolve(string? given) =>
        !string.IsNullOrWhiteSpace(given) ? given.Trim() : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env.Trim() : null;
}
