using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Engine.Domain;
using Engine.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>gRPC over TLS with the engine's certificate from PEM files, and client certificates (mTLS) that
/// authenticate as the key they are bound to. The certificates are made here, in memory, for the test.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task A_client_certificate_bound_to_a_key_authenticates_as_that_key_over_tls()
    {
        using var data = new TempDirectory();
        using var server = Certificate("CN=localhost", server: true);
        using var client = Certificate("CN=wechat-adapter", server: false);
        using var stranger = Certificate("CN=someone-else", server: false);
        var certFile = Path.Combine(data.Path, "server.pem");
        var keyFile = Path.Combine(data.Path, "server.key");
        await File.WriteAllTextAsync(certFile, server.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        await using var engine = await EngineInstance.StartAsync(
            Path.Combine(data.Path, "engine"), Keys.RequiredArg, $"--Engine:Security:Tls:CertificateFile={certFile}",
            $"--Engine:Security:Tls:KeyFile={keyFile}", "--Engine:Security:Tls:ClientCertificates=Allow");

        using var withKey = Channel(engine, server, null);
        var admin = new V1.AccessService.AccessServiceClient(withKey);
        var bound = await admin.CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            Name = "wechat-adapter",
            Role = V1.AccessRole.Channel,
            Scope = new V1.AccessScope { Channels = { V1.Channel.Wechat } },
            CertificateSha256 = ApiKeys.CertificateSha256(client.RawData),
        }, new Metadata { { "authorization", "Bearer " + engine.AdminKey() } });

        using var mtls = Channel(engine, server, client);
        var me = await new V1.AccessService.AccessServiceClient(mtls).WhoAmIAsync(new V1.WhoAmIRequest());
        Assert.Equal(bound.Key.KeyId, me.KeyId);
        Assert.Equal(V1.AccessRole.Channel, me.Role);

        using var unbound = Channel(engine, server, stranger);
        await RpcAssert.StatusAsync(StatusCode.Unauthenticated, () => new V1.AccessService.AccessServiceClient(unbound).WhoAmIAsync(new V1.WhoAmIRequest()).ResponseAsync);
        await RpcAssert.StatusAsync(StatusCode.AlreadyExists, () => admin.CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            Name = "again", Role = V1.AccessRole.Subscriber, CertificateSha256 = ApiKeys.CertificateSha256(client.RawData),
        }, new Metadata { { "authorization", "Bearer " + engine.AdminKey() } }).ResponseAsync);

        await admin.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { KeyId = bound.Key.KeyId }, new Metadata { { "authorization", "Bearer " + engine.AdminKey() } });
        await RpcAssert.StatusAsync(StatusCode.Unauthenticated, () => new V1.AccessService.AccessServiceClient(mtls).WhoAmIAsync(new V1.WhoAmIRequest()).ResponseAsync);
    }

    /// <summary>A channel to the engine's gRPC port over TLS that trusts exactly <paramref name="server"/>.</summary>
    private static GrpcChannel Channel(EngineInstance engine, X509Certificate2 server, X509Certificate2? client)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == server.GetCertHashString(),
                ClientCertificates = client is null ? null : [client],
            },
        };
        return GrpcChannel.ForAddress($"https://127.0.0.1:{engine.GrpcPort}", new GrpcChannelOptions { HttpHandler = handler });
    }

    private static X509Certificate2 Certificate(string subject, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, so that the private key is usable by TLS on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}
