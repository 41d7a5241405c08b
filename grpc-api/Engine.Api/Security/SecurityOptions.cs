using Engine.Domain;
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
/// (standalone front-end); docs/security.md explains each setting. Start-up refuses a value outside the range each
/// setting names (<see cref="SecurityOptionsValidator"/>).</summary>
public sealed class SecurityOptions
{
    /// <summary>Default None: the embedded engine runs open on loopback for a first look, with a warning. Start-up
    /// refuses None when an endpoint is not on loopback. Allowed: None, Required.</summary>
    public AuthenticationMode Authentication { get; set; } = AuthenticationMode.None;

    /// <summary>How often a front-end asks whether the key table changed; a new or revoked key takes effect within
    /// this and one read, open streams of a revoked key included. Default 1 s, so that the 2 s docs/security.md promises
    /// holds with room for the read. Allowed: 00:00:00.1 to 00:10:00.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Calls per second a key may make when it sets no rate of its own. Default 1,000 (per front-end). Allowed:
    /// at least 1.</summary>
    public int DefaultRatePerSecond { get; set; } = 1000;

    /// <summary>Unary calls in progress at once in this process; beyond it calls are refused with RESOURCE_EXHAUSTED
    /// at once instead of queueing. Default 4,096. Allowed: at least 1 (0 would refuse every call).</summary>
    public int MaxConcurrentCalls { get; set; } = 4096;

    /// <summary>Event streams open at once in this process. Default 256. Allowed: at least 1.</summary>
    public int MaxSubscriptions { get; set; } = 256;

    public LookupThrottleOptions Lookup { get; set; } = new();

    public PublicSearchThrottleOptions PublicSearch { get; set; } = new();

    public TlsOptions Tls { get; set; } = new();

    /// <summary>Silo only: where the first admin key is written when authentication is required and no active admin
    /// key exists. Default "admin.key" in the data directory.</summary>
    public string? BootstrapKeyFile { get; set; }
}

/// <summary>How often the password look-up may be tried (per process). The limits per source, case and phone count
/// every attempt whatever the outcome, so they reveal nothing about a case; the limit per key counts failures. The
/// durable lockout of a (case, phone) pair after repeated failures is separate (Engine:Tickets:LookupMaxFailures). Each
/// limit: at least 1 a minute (a window of zero cannot be made).</summary>
public sealed class LookupThrottleOptions
{
    /// <summary>Per source: the key, and the end user's address the adapter passes in "x-end-user". Default 30 a minute.</summary>
    public int PerSourcePerMinute { get; set; } = 30;

    /// <summary>Per case number, whoever asks. Default 60 a minute.</summary>
    public int PerCasePerMinute { get; set; } = 60;

    /// <summary>Per phone number, whoever asks. Default 30 a minute.</summary>
    public int PerPhonePerMinute { get; set; } = 30;

    /// <summary>Failed look-ups per key, whatever end user the adapter names: a bucket of this many, refilled at this
    /// many a minute; a look-up that succeeds costs nothing. It bounds what one key can guess (and how many pairs it can
    /// lock) when its adapter passes whatever "x-end-user" it is sent. Default 60 a minute: about ten times what a
    /// province's busiest minute of mistyped passwords needs; size it to the adapter's traffic.</summary>
    public int FailuresPerKeyPerMinute { get; set; } = 60;
}

/// <summary>How often the self-service knowledge search (KnowledgeService.PublicSearch) may be called (per process):
/// per key, and per key and end user ("x-end-user", else the connection's peer). Each at least 1 a minute.</summary>
public sealed class PublicSearchThrottleOptions
{
    /// <summary>Per key and end user. Default 30 a minute.</summary>
    public int PerSourcePerMinute { get; set; } = 30;

    /// <summary>Per key, whatever end users it names. Default 6,000 a minute.</summary>
    public int PerKeyPerMinute { get; set; } = 6000;
}

/// <summary>TLS for the gRPC endpoint. Without a certificate the endpoint speaks HTTP/2 in clear text (h2c).</summary>
public sealed class TlsOptions
{
    /// <summary>The server certificate: a PEM file (with <see cref="KeyFile"/>) or a PKCS#12 file. Allowed: a file that
    /// exists.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>. Allowed: a file that exists, with a
    /// certificate.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Default None. Allowed: None; Allow or Require with a certificate (and Require only with
    /// authentication required).</summary>
    public ClientCertificates ClientCertificates { get; set; } = ClientCertificates.None;

    /// <summary>PEM certificate(s) of the authority client certificates must chain to. Unset: any certificate is
    /// accepted at the TLS level and only those bound to a key (by SHA-256) authenticate. Allowed: a file that exists,
    /// with client certificates asked for.</summary>
    public string? ClientCertificateAuthorityFile { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(CertificateFile);
}

/// <summary>The ranges of <see cref="SecurityOptions"/>, checked when the host starts.</summary>
/// <param name="section">Where the host binds the options from: "Engine:Security" or "Frontend:Security".</param>
public sealed class SecurityOptionsValidator(string section) : IValidateOptions<SecurityOptions>
{
    public static readonly TimeSpan ShortestKeyRefresh = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan LongestKeyRefresh = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var check = new SettingsCheck(section);
        check.Defined(nameof(options.Authentication), options.Authentication);
        check.Between(nameof(options.KeyRefreshInterval), options.KeyRefreshInterval, ShortestKeyRefresh, LongestKeyRefresh);
        // A limiter of zero refuses everything (and a token bucket of zero cannot be made at all).
        check.AtLeast(nameof(options.DefaultRatePerSecond), options.DefaultRatePerSecond, 1);
        check.AtLeast(nameof(options.MaxConcurrentCalls), options.MaxConcurrentCalls, 1);
        check.AtLeast(nameof(options.MaxSubscriptions), options.MaxSubscriptions, 1);
        check.AtLeast("Lookup:" + nameof(options.Lookup.PerSourcePerMinute), options.Lookup.PerSourcePerMinute, 1);
        check.AtLeast("Lookup:" + nameof(options.Lookup.PerCasePerMinute), options.Lookup.PerCasePerMinute, 1);
        check.AtLeast("Lookup:" + nameof(options.Lookup.PerPhonePerMinute), options.Lookup.PerPhonePerMinute, 1);
        check.AtLeast("Lookup:" + nameof(options.Lookup.FailuresPerKeyPerMinute), options.Lookup.FailuresPerKeyPerMinute, 1);
        check.AtLeast("PublicSearch:" + nameof(options.PublicSearch.PerSourcePerMinute), options.PublicSearch.PerSourcePerMinute, 1);
        check.AtLeast("PublicSearch:" + nameof(options.PublicSearch.PerKeyPerMinute), options.PublicSearch.PerKeyPerMinute, 1);

        var tls = options.Tls;
        check.Defined("Tls:" + nameof(tls.ClientCertificates), tls.ClientCertificates);
        if (tls.ClientCertificates is ClientCertificates.Allow or ClientCertificates.Require && !tls.Enabled)
        {
            check.Fail("Tls:" + nameof(tls.ClientCertificates), $"needs {check.Key("Tls:CertificateFile")} (client certificates need TLS)");
        }

        if (tls.ClientCertificates == ClientCertificates.Require && options.Authentication == AuthenticationMode.None)
        {
            check.Fail("Tls:" + nameof(tls.ClientCertificates), $"Require needs {check.Key(nameof(options.Authentication))}=Required (certificates authenticate as keys)");
        }

        // Set without what makes them count, they would be ignored without a word.
        if (!string.IsNullOrEmpty(tls.KeyFile) && !tls.Enabled)
        {
            check.Fail("Tls:" + nameof(tls.KeyFile), $"needs {check.Key("Tls:CertificateFile")} (it is the certificate's key)");
        }

        if (!string.IsNullOrEmpty(tls.ClientCertificateAuthorityFile) && tls.ClientCertificates == ClientCertificates.None)
        {
            check.Fail("Tls:" + nameof(tls.ClientCertificateAuthorityFile), $"needs {check.Key("Tls:ClientCertificates")}=Allow or Require (no client certificate is asked for)");
        }

        foreach (var (setting, file) in new[] { ("CertificateFile", tls.CertificateFile), ("KeyFile", tls.KeyFile), ("ClientCertificateAuthorityFile", tls.ClientCertificateAuthorityFile) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                check.Fail("Tls:" + setting, $"'{file}' does not exist");
            }
        }

        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
