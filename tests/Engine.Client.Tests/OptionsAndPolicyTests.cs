using System.Security.Authentication;
using Engine.Client.Tests.Support;
using Engine.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Status = Grpc.Core.Status;

namespace Engine.Client.Tests;

/// <summary>The options' checks and the retry policy's arithmetic, without an engine.</summary>
public sealed class OptionsAndPolicyTests
{
    [Fact]
    public void Options_without_an_address_are_refused_naming_the_setting()
    {
        var error = Assert.Throws<EngineClientOptionsException>(() => new EngineClientOptions().Validate());

        Assert.StartsWith("Address is required", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_setting_is_named_in_one_error()
    {
        var options = new EngineClientOptions
        {
            Address = "ftp://engine:50051",
            Deadline = TimeSpan.Zero,
            EventStreamSilence = TimeSpan.FromMilliseconds(10),
            Retry = new EngineRetryOptions { MaxAttempts = 0, InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(1), Multiplier = 0.5 },
        };

        var error = Assert.Throws<EngineClientOptionsException>(options.Validate);

        Assert.Equal(
            ["Address", "Deadline", "EventStreamSilence", "Retry:MaxAttempts", "Retry:MaxBackoff", "Retry:Multiplier"],
            error.Problems.Select(p => p.Split(' ')[0]));
        Assert.Contains("it is 'ftp://engine:50051'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_api_key_is_not_sent_in_clear_text_off_loopback_unless_that_is_allowed()
    {
        var options = new EngineClientOptions { Address = "http://10.1.2.3:50051", ApiKey = "cek_abcdefghijkl_secret" };

        var error = Assert.Throws<EngineClientOptionsException>(options.Validate);
        Assert.StartsWith("ApiKey would be sent in clear text to 10.1.2.3", Assert.Single(error.Problems), StringComparison.Ordinal);

        options.AllowApiKeyOverPlainText = true;
        options.Validate();
        new EngineClientOptions { Address = "http://127.0.0.1:50051", ApiKey = "cek_abcdefghijkl_secret" }.Validate();
        new EngineClientOptions { Address = "https://engine.court.example", ApiKey = "cek_abcdefghijkl_secret" }.Validate();
    }

    [Fact]
    public void Tls_settings_need_an_https_address_and_an_authority_file_that_exists()
    {
        var options = new EngineClientOptions { Address = "http://127.0.0.1:50051", CertificateAuthorityFile = "/nonexistent/ca.pem" };

        var error = Assert.Throws<EngineClientOptionsException>(options.Validate);

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("CertificateAuthorityFile, ServerCertificateValidation and ClientCertificate need an https Address", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p == "CertificateAuthorityFile '/nonexistent/ca.pem' does not exist");
    }

    [Fact]
    public void The_client_refuses_bad_options_when_it_is_made()
    {
        Assert.Throws<EngineClientOptionsException>(() => new EngineClient(new EngineClientOptions { Address = "engine:50051" }));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.AlreadyExists, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.Unauthenticated, false)]
    [InlineData(StatusCode.OutOfRange, false)]
    [InlineData(StatusCode.Unimplemented, false)]
    [InlineData(StatusCode.Internal, false)]
    [InlineData(StatusCode.Unknown, false)]
    [InlineData(StatusCode.Cancelled, false)]
    [InlineData(StatusCode.DataLoss, false)]
    public void Only_the_four_transient_codes_are_tried_again(StatusCode code, bool retried)
    {
        Assert.Equal(retried, RetryPolicy.IsRetryable(new RpcException(new Status(code, "x"))));
    }

    [Fact]
    public void A_failed_tls_handshake_is_not_tried_again()
    {
        var handshake = new RpcException(new Status(StatusCode.Unavailable, "SSL connection could not be established",
            new HttpRequestException("ssl", new AuthenticationException("the remote certificate is invalid"))));

        Assert.False(RetryPolicy.IsRetryable(handshake));
    }

    [Fact]
    public void The_wait_grows_by_the_multiplier_up_to_the_ceiling_and_is_drawn_between_half_and_all_of_it()
    {
        var retry = new EngineRetryOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1), Multiplier = 2 };

        Assert.Equal([100, 200, 400, 800, 1000, 1000], Enumerable.Range(2, 6).Select(n => RetryPolicy.Backoff(retry, n, null, 1.0).TotalMilliseconds));
        Assert.Equal([50, 100, 200, 400, 500, 500], Enumerable.Range(2, 6).Select(n => RetryPolicy.Backoff(retry, n, null, 0.0).TotalMilliseconds));
        Assert.Equal(75, RetryPolicy.Backoff(retry, 2, null, 0.5).TotalMilliseconds);
    }

    [Fact]
    public void The_engine_asking_for_a_longer_wait_is_heeded()
    {
        var retry = new EngineRetryOptions { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(20) };
        var limited = new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = "over the key's rate",
            Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300)) }) },
        }.ToRpcException();

        var asked = RetryPolicy.EngineAsked(limited);

        Assert.Equal(TimeSpan.FromMilliseconds(300), asked);
        Assert.Equal(TimeSpan.FromMilliseconds(300), RetryPolicy.Backoff(retry, 2, asked, 1.0));
    }

    [Fact]
    public async Task A_submission_without_an_idempotency_key_is_refused_before_it_is_sent()
    {
        var recorder = new CallRecorder();
        var options = new EngineClientOptions { Address = "http://127.0.0.1:1" };
        options.Interceptors.Add(recorder);
        using var client = new EngineClient(options);
        var request = Submissions.Consultation();
        request.IdempotencyKey = string.Empty;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.SubmitTicketAsync(request));

        Assert.StartsWith("idempotency_key is required", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, recorder.Attempts("SubmitTicket"));
    }

    [Fact]
    public void An_event_subscription_with_a_member_outside_its_group_is_refused()
    {
        using var client = new EngineClient(new EngineClientOptions { Address = "http://127.0.0.1:1" });

        var error = Assert.Throws<ArgumentException>(() => client.OpenEventStream(new EventSubscription { Name = "sms", MemberIndex = 2, MemberCount = 2 }));

        Assert.Contains("MemberIndex must be from 0 to MemberCount - 1 (they are 2 and 2)", error.Message, StringComparison.Ordinal);
    }
}
