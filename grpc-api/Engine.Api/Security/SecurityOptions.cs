using Microsoft.Extensions.Options;

namespace Engine.Api.Security;

public enum AuthenticationMode
{
    /// <summary>Every caller acts as admin. Allowed only while every endpoint is on loopback; logged loudly.</summary>
    None,

    /// <summary>Every call presents an API key (or an mTLS client certificate bound to one).</summary>
    Required,
}

public enum ClientCertificates
{
    /// <summary>No client certificates are asked for.</summary>
    None,

    /// <summary>A client may present one; a certificate bound to a key authenticates as that key.</summary>
    Allow,

    /// <summary>Every connection must present one (mTLS only).</summary>
    Require,
}

/// <summary>Who may call, over what, and how much. Bound from "Engine:Security" (silo) or "Frontend:Security"
/// (standalone front-end); docs/security.md explains each setting.</summary>
public sealed class SecurityOptions
{
    /// <summary>Default None: the embedded engine runs open on loopback for a first look, with a warning. Start-up
    /// refuses None when an endpoint is not on loopback.</summary>
    public AuthenticationMode Authentication { get; set; } = AuthenticationMode.None;

    /// <summary>How often a front-end asks whether the key table changed; a new or revoked key takes effect within
    /// this. Default 2 s.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Calls per second a key may make when it sets no rate of its own. Default 1,000 (per front-end).</summary>
    public int DefaultRatePerSecond { get; set; } = 1000;

    /// <summary>Unary calls in progress at once in this process; beyond it calls are refused with RESOURCE_EXHAUSTED
    /// at once instead of queueing. Default 4,096.</summary>
    public int MaxConcurrentCalls { get; set; } = 4096;

    /// <summary>Event streams open at once in this process. Default 256.</summary>
    public int MaxSubscriptions { get; set; } = 256;

    public LookupThrottleOptions Lookup { get; set; } = new();

    public TlsOptions Tls { get; set; } = new();

    /// <summary>Silo only: where the first admin key is written when authentication is required and no active admin
    /// key exists. Default "admin.key" in the data directory.</summary>
    public string? BootstrapKeyFile { get; set; }
}

/// <summary>How often the password look-up may be tried (per process, counted whatever the outcome, so the limits
/// reveal nothing about a case). The durable lockout of a (case, phone) pair after repeated failures is separate
/// (Engine:Tickets:LookupMaxFailures).</summary>
public sealed class LookupThrottleOptions
{
    /// <summary>Per source: the key, and the end user's address the adapter passes in "x-end-user". Default 30 a minute.</summary>
    public int PerSourcePerMinute { get; set; } = 30;

    /// <summary>Per case number, whoever asks. Default 60 a minute.</summary>
    public int PerCasePerMinute { get; set; } = 60;

    /// <summary>Per phone number, whoever asks. Default 30 a minute.</summary>
    public int PerPhonePerMinute { get; set; } = 30;
}

/// <summary>TLS for the gRPC endpoint. Without a certificate the endpoint speaks HTTP/2 in clear text (h2c).</summary>
public sealed class TlsOptions
{
    /// <summary>The server certificate: a PEM file (with <see cref="KeyFile"/>) or a PKCS#12 file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    public ClientCertificates ClientCertificates { get; set; } = ClientCertificates.None;

    /// <summary>PEM certificate(s) of the authority client certificates must chain to. Unset: any certificate is
    /// accepted at the TLS level and only those bound to a key (by SHA-256) authenticate.</summary>
    public string? ClientCertificateAuthorityFile { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(CertificateFile);
}

public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        if (options.KeyRefreshInterval < TimeSpan.FromMilliseconds(100) || options.KeyRefreshInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add("Security:KeyRefreshInterval must be between 00:00:00.1 and 00:10:00");
        }

        if (options.DefaultRatePerSecond < 1)
        {
            failures.Add("Security:DefaultRatePerSecond must be at least 1");
        }

        if (options.MaxConcurrentCalls < 1 || options.MaxSubscriptions < 1)
        {
            failures.Add("Security:MaxConcurrentCalls and Security:MaxSubscriptions must be at least 1");
        }

        if (options.Lookup.PerSourcePerMinute < 1 || options.Lookup.PerCasePerMinute < 1 || options.Lookup.PerPhonePerMinute < 1)
        {
            failures.Add("Security:Lookup limits must be at least 1 a minute");
        }

        if (options.Tls.ClientCertificates != ClientCertificates.None && !options.Tls.Enabled)
        {
            failures.Add("Security:Tls:ClientCertificates needs Security:Tls:CertificateFile (client certificates need TLS)");
        }

        if (options.Tls.ClientCertificates == ClientCertificates.Require && options.Authentication == AuthenticationMode.None)
        {
            failures.Add("Security:Tls:ClientCertificates=Require needs Security:Authentication=Required (certificates authenticate as keys)");
        }

        foreach (var (setting, file) in new[] { ("CertificateFile", options.Tls.CertificateFile), ("KeyFile", options.Tls.KeyFile), ("ClientCertificateAuthorityFile", options.Tls.ClientCertificateAuthorityFile) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                failures.Add($"Security:Tls:{setting} '{file}' does not exist");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
