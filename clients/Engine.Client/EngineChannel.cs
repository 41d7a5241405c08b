using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Engine.Client;

/// <summary>Builds the HTTP/2 channel: h2c for http addresses, TLS for https ones (with the options' authority,
/// validation callback and client certificate), keep-alive pings so that a dead connection is noticed.</summary>
internal static class EngineChannel
{
    /// <summary>Large enough for a full page of tickets (500) with their histories.</summary>
    private const int MaxReceiveMessageSize = 16 * 1024 * 1024;

    public static GrpcChannel Create(EngineClientOptions options, ILoggerFactory? loggerFactory)
    {
        var address = options.AddressUri;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = options.ServerCertificateValidation
                    ?? (options.CertificateAuthorityFile is { Length: > 0 } file ? TrustOnly(LoadAuthorities(file)) : null),
                ClientCertificates = options.ClientCertificate is { } certificate ? [certificate] : null,
            };
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            LoggerFactory = loggerFactory,
            MaxReceiveMessageSize = MaxReceiveMessageSize,
        });
    }

    private static X509Certificate2Collection LoadAuthorities(string file)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(file);
        return authorities.Count > 0
            ? authorities
            : throw new EngineClientOptionsException([$"CertificateAuthorityFile '{file}' holds no PEM certificate"]);
    }

    /// <summary>Accepts a certificate for the right name that chains to one of <paramref name="authorities"/>, and no
    /// other (the machine's store is not consulted).</summary>
    private static RemoteCertificateValidationCallback TrustOnly(X509Certificate2Collection authorities) => (_, certificate, presented, errors) =>
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    };
}
