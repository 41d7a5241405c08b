using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Engine.Api.Security;

/// <summary>Kestrel's TLS settings from <see cref="TlsOptions"/>. A client certificate is checked against the
/// configured authority when there is one; otherwise any certificate passes the handshake and only one bound to a key
/// (by its SHA-256) authenticates a call.</summary>
public static class Tls
{
    public static HttpsConnectionAdapterOptions ServerOptions(TlsOptions tls)
    {
        var authority = string.IsNullOrEmpty(tls.ClientCertificateAuthorityFile) ? null : LoadAuthority(tls.ClientCertificateAuthorityFile);
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificate = LoadServerCertificate(tls),
            ClientCertificateMode = tls.ClientCertificates switch
            {
                ClientCertificates.Require => ClientCertificateMode.RequireCertificate,
                ClientCertificates.Allow => ClientCertificateMode.AllowCertificate,
                _ => ClientCertificateMode.NoCertificate,
            },
            ClientCertificateValidation = (certificate, _, _) => authority is null || ChainsTo(certificate, authority),
        };
    }

    private static X509Certificate2 LoadServerCertificate(TlsOptions tls)
    {
        try
        {
            return string.IsNullOrEmpty(tls.KeyFile)
                ? X509CertificateLoader.LoadPkcs12FromFile(tls.CertificateFile!, null)
                : X509Certificate2.CreateFromPemFile(tls.CertificateFile!, tls.KeyFile);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new StartupException($"Security:Tls:CertificateFile '{tls.CertificateFile}' could not be read as a PEM certificate with its KeyFile, or a PKCS#12 file: {ex.Message}");
        }
    }

    private static X509Certificate2Collection LoadAuthority(string file)
    {
        var authority = new X509Certificate2Collection();
        authority.ImportFromPemFile(file);
        return authority.Count > 0 ? authority : throw new StartupException($"Security:Tls:ClientCertificateAuthorityFile '{file}' holds no PEM certificate");
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
