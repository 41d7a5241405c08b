using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Engine.Client.Tests.Support;
using Engine.V1;
using Grpc.Core;

namespace Engine.Client.Tests;

/// <summary>API keys and TLS, each on an engine of its own.</summary>
public sealed class CredentialsTests
{
    [Fact]
    public async Task An_engine_that_requires_keys_refuses_a_client_without_one_and_serves_a_client_with_its_key()
    {
        await using var engine = await EngineServer.StartAsync("--Engine:Security:Authentication=Required");

        using var anonymous = new EngineClient(engine.ClientOptions());
        var refused = await Assert.ThrowsAsync<EngineCallException>(() => anonymous.SubmitTicketAsync(Submissions.Consultation()));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(1, refused.Attempts);

        using var admin = new EngineClient(engine.ClientOptions(engine.AdminKey));
        var made = await admin.CallAsync("AccessService/CreateApiKey", o => admin.Access.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            Name = "web-form-adapter",
            Role = AccessRole.Channel,
            Scope = new AccessScope { Channels = { Channel.Web } },
        }, o));

        using var adapter = new EngineClient(engine.ClientOptions(made.Secret));
        var who = await adapter.CallAsync("AccessService/WhoAmI", o => adapter.Access.WhoAmIAsync(new WhoAmIRequest(), o));
        Assert.Equal(made.Key.KeyId, who.KeyId);
        var submitted = await adapter.SubmitTicketAsync(Submissions.Consultation());
        Assert.Equal(submitted.Ticket.TicketId, (await adapter.GetTicketAsync(submitted.Ticket.TicketId)).TicketId);

        var outOfScope = await Assert.ThrowsAsync<EngineCallException>(() => adapter.ListTicketsAsync(new ListTicketsRequest { CourtId = Submissions.Court }));
        Assert.Equal(StatusCode.PermissionDenied, outOfScope.StatusCode);
        Assert.Equal(1, outOfScope.Attempts);
    }

    [Fact]
    public async Task Over_tls_the_client_trusts_the_courts_own_authority_and_a_client_without_it_fails_at_once()
    {
        using var authority = Authority();
        using var server = Signed(authority);
        var files = Path.Combine(Path.GetTempPath(), "engine-client-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(files);
        try
        {
            var ca = Path.Combine(files, "ca.pem");
            var cert = Path.Combine(files, "server.pem");
            var key = Path.Combine(files, "server.key");
            await File.WriteAllTextAsync(ca, authority.ExportCertificatePem());
            await File.WriteAllTextAsync(cert, server.ExportCertificatePem());
            await File.WriteAllTextAsync(key, server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            await using var engine = await EngineServer.StartAsync($"--Engine:Security:Tls:CertificateFile={cert}", $"--Engine:Security:Tls:KeyFile={key}");

            var options = engine.ClientOptions();
            options.Address = $"https://localhost:{engine.GrpcPort}";
            options.CertificateAuthorityFile = ca;
            using var trusting = new EngineClient(options);
            var court = await trusting.CallAsync("DirectoryService/GetCourt", o => trusting.Directory.GetCourtAsync(new GetCourtRequest { CourtId = Submissions.Court }, o));
            Assert.Equal(Submissions.Court, court.Court.CourtId);

            var recorder = new CallRecorder();
            var plain = engine.ClientOptions();
            plain.Address = options.Address;
            plain.Interceptors.Add(recorder);
            using var untrusting = new EngineClient(plain);
            var refused = await Assert.ThrowsAsync<EngineCallException>(() => untrusting.GetTicketAsync("T20260101-000001"));
            Assert.Contains("SSL", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(1, refused.Attempts);
            Assert.Equal(1, recorder.Attempts("GetTicket"));
        }
        finally
        {
            Directory.Delete(files, recursive: true);
        }
    }

    private static X509Certificate2 Authority()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test Court CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Signed(X509Certificate2 authority)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), [1, 2, 3, 4, 5, 6, 7, 8]);
        return signed.CopyWithPrivateKey(key);
    }
}
