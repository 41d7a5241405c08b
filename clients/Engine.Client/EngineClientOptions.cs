using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core.Interceptors;

namespace Engine.Client;

/// <summary>How an <see cref="EngineClient"/> reaches the engine. Check it with <see cref="Validate"/> (the client's
/// constructor does): every problem is named by its property in one <see cref="EngineClientOptionsException"/>.</summary>
/// <remarks>Binds from configuration (<c>configuration.GetSection("Engine").Bind(options)</c>): every setting but the
/// callbacks, the client certificate and the interceptors is a plain value.</remarks>
public sealed class EngineClientOptions
{
    /// <summary>The environment variable the engine's tools read an API key from (<see cref="ApiKeyFromEnvironment"/>).</summary>
    public const string ApiKeyEnvironmentVariable = "ENGINE_API_KEY";

    /// <summary>The engine's gRPC address: <c>http://host:port</c> (clear text, h2c) or <c>https://host:port</c> (TLS).
    /// Required.</summary>
    public string? Address { get; set; }

    /// <summary>The API key (<c>cek_…</c>) presented on every call as <c>authorization: Bearer …</c>. Empty: no key
    /// (an engine with <c>Authentication=Required</c> refuses the call with <c>UNAUTHENTICATED</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Send <see cref="ApiKey"/> over clear text (<c>http://</c>) to an address that is not loopback. Off: such
    /// a key would cross the network readable by anyone on the path, so <see cref="Validate"/> refuses it.</summary>
    public bool AllowApiKeyOverPlainText { get; set; }

    /// <summary>The deadline of each attempt of a unary call (sent to the engine as the gRPC deadline). Default 10 s;
    /// from 100 ms to 10 minutes. The whole call, retries included, is bounded by the caller's cancellation token.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>When and how often a failed call is tried again.</summary>
    public EngineRetryOptions Retry { get; set; } = new();

    /// <summary>A PEM file of the certificate authority (or authorities) that signed the engine's certificate, trusted
    /// for this client only (a private court CA) instead of the machine's store. <c>https</c> only.</summary>
    public string? CertificateAuthorityFile { get; set; }

    /// <summary>Decides whether the engine's certificate is accepted (for pinning, say), in place of the usual check
    /// (and of <see cref="CertificateAuthorityFile"/>). <c>https</c> only.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>A client certificate to present (mutual TLS; the engine binds it to a key with
    /// <c>CreateApiKey.certificate_sha256</c>). <c>https</c> only.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>How long an event stream may stay silent (no event, no heartbeat) before the reader takes it for dead
    /// and subscribes again. The engine sends a heartbeat every 15 s by default. Default 60 s; at least 1 s.</summary>
    public TimeSpan EventStreamSilence { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Interceptors every attempt passes through (logging, tracing, tests), outermost first.</summary>
    public IList<Interceptor> Interceptors { get; } = [];

    /// <summary>The key in <see cref="ApiKeyEnvironmentVariable"/>, if it is set; else null.</summary>
    public static string? ApiKeyFromEnvironment() =>
        Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable) is { Length: > 0 } key ? key.Trim() : null;

    /// <summary>Checks every setting and throws one <see cref="EngineClientOptionsException"/> naming each bad one.</summary>
    /// <exception cref="EngineClientOptionsException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        var address = ParseAddress(problems);
        if (!string.IsNullOrEmpty(ApiKey))
        {
            if (ApiKey.Any(c => c is <= ' ' or > '~'))
            {
                problems.Add("ApiKey must be printable ASCII without spaces (it travels in a header): is it the whole key, cek_…?");
            }
            else if (address is not null && address.Scheme == Uri.UriSchemeHttp && !address.IsLoopback && !AllowApiKeyOverPlainText)
            {
                problems.Add($"ApiKey would be sent in clear text to {address.Host}: use an https address, or set AllowApiKeyOverPlainText");
            }
        }

        if (Deadline < TimeSpan.FromMilliseconds(100) || Deadline > TimeSpan.FromMinutes(10))
        {
            problems.Add($"Deadline must be between 00:00:00.1 and 00:10:00 (it is {Deadline})");
        }

        if (EventStreamSilence < TimeSpan.FromSeconds(1))
        {
            problems.Add($"EventStreamSilence must be at least 00:00:01 (it is {EventStreamSilence})");
        }

        if (Retry is null)
        {
            problems.Add("Retry must be set");
        }
        else
        {
            Retry.Check(problems);
        }

        var tls = CertificateAuthorityFile is { Length: > 0 } || ServerCertificateValidation is not null || ClientCertificate is not null;
        if (tls && address is not null && address.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add("CertificateAuthorityFile, ServerCertificateValidation and ClientCertificate need an https Address");
        }

        if (CertificateAuthorityFile is { Length: > 0 } file && !File.Exists(file))
        {
            problems.Add($"CertificateAuthorityFile '{file}' does not exist");
        }

        if (problems.Count > 0)
        {
            throw new EngineClientOptionsException(problems);
        }
    }

    internal Uri AddressUri => new(Address!, UriKind.Absolute);

    private Uri? ParseAddress(List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(Address))
        {
            problems.Add("Address is required: the engine's gRPC address, e.g. http://127.0.0.1:50051 or https://engine.court.example:443");
            return null;
        }

        if (!Uri.TryCreate(Address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            problems.Add($"Address must be an absolute http:// or https:// address with a host (it is '{Address}')");
            return null;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            problems.Add($"Address must name only the scheme, host and port (it is '{Address}')");
        }

        return uri;
    }
}

/// <summary>When a failed call is tried again, and how long the client waits before each try.</summary>
/// <remarks>Only <c>UNAVAILABLE</c>, <c>DEADLINE_EXCEEDED</c>, <c>RESOURCE_EXHAUSTED</c> and <c>ABORTED</c> are tried
/// again, never a refusal (<c>INVALID_ARGUMENT</c>, <c>NOT_FOUND</c>, <c>ALREADY_EXISTS</c>, <c>FAILED_PRECONDITION</c>,
/// <c>PERMISSION_DENIED</c>, <c>UNAUTHENTICATED</c>, …), nor a failed TLS handshake. The wait before try n is drawn at
/// random between half and all of <c>min(MaxBackoff, InitialBackoff × Multiplier^(n-2))</c>, and at least the
/// engine's <c>google.rpc.RetryInfo</c> delay when it sends one.</remarks>
public sealed class EngineRetryOptions
{
    /// <summary>Tries in all, the first included (1: never try again). Default 5; 1 to 1,000.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second try (before jitter). Default 200 ms; 1 ms to 1 minute.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between tries (before jitter). Default 5 s; at least <see cref="InitialBackoff"/>, at
    /// most 10 minutes.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How much each wait grows over the one before. Default 2; 1 to 10.</summary>
    public double Multiplier { get; set; } = 2.0;

    internal void Check(List<string> problems)
    {
        if (MaxAttempts is < 1 or > 1000)
        {
            problems.Add($"Retry:MaxAttempts must be between 1 and 1000 (it is {MaxAttempts})");
        }

        if (InitialBackoff < TimeSpan.FromMilliseconds(1) || InitialBackoff > TimeSpan.FromMinutes(1))
        {
            problems.Add($"Retry:InitialBackoff must be between 00:00:00.001 and 00:01:00 (it is {InitialBackoff})");
        }

        if (MaxBackoff < InitialBackoff || MaxBackoff > TimeSpan.FromMinutes(10))
        {
            problems.Add($"Retry:MaxBackoff must be between Retry:InitialBackoff and 00:10:00 (it is {MaxBackoff})");
        }

        if (double.IsNaN(Multiplier) || Multiplier is < 1 or > 10)
        {
            problems.Add($"Retry:Multiplier must be between 1 and 10 (it is {Multiplier})");
        }
    }
}

/// <summary>The <see cref="EngineClientOptions"/> are not usable: <see cref="Exception.Message"/> names every bad
/// setting, and <see cref="Problems"/> lists them one by one.</summary>
public sealed class EngineClientOptionsException : ArgumentException
{
    /// <summary>Makes the exception from its problems, one sentence each.</summary>
    public EngineClientOptionsException(IReadOnlyList<string> problems)
        : base("the engine client's options are not valid: " + string.Join("; ", problems)) => Problems = problems;

    /// <summary>Each bad setting, in a sentence that starts with its name.</summary>
    public IReadOnlyList<string> Problems { get; }
}
