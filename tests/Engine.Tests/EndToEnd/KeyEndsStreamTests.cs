using System.Diagnostics;
using Engine.Domain;
using Engine.Frontend;
using Engine.Tests.Support;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// An event stream lives as long as the key that opened it is in force as it was: revoked (here or through another
/// process), expired by the engine's clock, or narrowed in the key table, the key's open streams end within the 2 s of
/// docs/security.md, and no event written after the key changed is sent on them (decision 37). Real silo, real
/// standalone front-end, real SQLite, default refresh interval unless a test says why not.
/// </summary>
public sealed class KeyEndsStreamTests
{
    /// <summary>What docs/security.md promises for a leaked key.</summary>
    private static readonly TimeSpan Promised = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_revoked_key_s_streams_end_unauthenticated_within_two_seconds_here_and_at_another_front_end()
    {
        await using var engine = await StartAsync();
        var (frontend, channel) = await StartFrontendAsync(engine);
        try
        {
            var key = await engine.CreateKeyAsync(V1.AccessRole.Subscriber, new V1.AccessScope { PersonalData = true }, name: "leaked-sms-sender");
            using var atSilo = await OpenAsync(engine.As(key));
            using var atFrontend = await OpenAsync(channel.Intercept(Bearer(key)));
            var seenAtFrontend = Task.Run(() => EndOfAsync(atFrontend));
            var seenAtSilo = Task.Run(() => EndOfAsync(atSilo));

            var revoking = Stopwatch.GetTimestamp();
            await engine.Access(engine.AdminKey()).RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { KeyId = AuthenticationTests.Split(key).KeyId });
            var silo = await seenAtSilo;
            var front = await seenAtFrontend;

            Assert.Equal(StatusCode.Unauthenticated, silo.Status.StatusCode);
            Assert.Equal(StatusCode.Unauthenticated, front.Status.StatusCode);
            Assert.True(silo.Since(revoking) < Promised, $"the stream where the key was revoked ended {silo.Since(revoking)} after the revocation began");
            Assert.True(front.Since(revoking) < Promised, $"the stream at the other front-end ended {front.Since(revoking)} after the revocation began");
        }
        finally
        {
            channel.Dispose();
            await frontend.StopAsync();
            await frontend.DisposeAsync();
        }
    }

    [Fact]
    public async Task No_event_written_after_the_revocation_is_sent_even_before_the_front_end_s_next_key_refresh()
    {
        // The front-end asks for key changes only every ten minutes here: only the key table's revision read with each
        // batch can stop the ticket written after the revocation from going out, phone in clear.
        await using var engine = await StartAsync();
        var (frontend, channel) = await StartFrontendAsync(engine, "--Frontend:Security:KeyRefreshInterval=00:10:00");
        try
        {
            var key = await engine.CreateKeyAsync(V1.AccessRole.Subscriber, new V1.AccessScope { PersonalData = true }, name: "leaked-sms-sender");
            var before = await SubmitAsync(engine);
            using var call = await OpenAsync(channel.Intercept(Bearer(key)));
            var events = await EventStreams.ReadEventsAsync(call, seen => seen.Any(e => Received(e, before)));
            Assert.Equal(Requests.FakePhone, events.Single(e => Received(e, before)).Payload.Unpack<V1.TicketReceived>().Ticket.Caller.Phone);

            await engine.Access(engine.AdminKey()).RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { KeyId = AuthenticationTests.Split(key).KeyId });
            var after = await SubmitAsync(engine);
            var written = Stopwatch.GetTimestamp();
            var end = await EndOfAsync(call);

            Assert.Equal(StatusCode.Unauthenticated, end.Status.StatusCode);
            Assert.DoesNotContain(end.Events, e => e.AggregateId == after);
            Assert.True(end.Since(written) < Promised, $"the stream ended {end.Since(written)} after the ticket was written");
        }
        finally
        {
            channel.Dispose();
            await frontend.StopAsync();
            await frontend.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_key_that_expires_while_its_stream_is_open_ends_it_unauthenticated()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(8)));
        await using var engine = await StartAsync(services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock));
        var created = await engine.Access(engine.AdminKey()).CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            Name = "short-lived",
            Role = V1.AccessRole.Subscriber,
            Scope = new V1.AccessScope { PersonalData = true },
            ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(clock.GetUtcNow().AddHours(1)),
        });
        var submitted = await SubmitAsync(engine);
        using var call = await OpenAsync(engine.As(created.Secret));
        await EventStreams.ReadEventsAsync(call, seen => seen.Any(e => Received(e, submitted)));
        var ending = Task.Run(() => EndOfAsync(call));

        var expiring = Stopwatch.GetTimestamp();
        clock.Advance(TimeSpan.FromHours(1));
        var end = await ending;

        Assert.Equal(StatusCode.Unauthenticated, end.Status.StatusCode);
        Assert.True(end.Since(expiring) < Promised, $"the stream ended {end.Since(expiring)} after the expiry");
    }

    /// <summary>The API has no way to change a key's role or scope (make a new key, revoke the old): this is the key
    /// table changed under the engine, as an operator's repair would, and what a stream does when its key narrows.</summary>
    [Fact]
    public async Task A_key_whose_personal_data_scope_is_taken_away_ends_its_stream_with_permission_denied_and_where_to_resume()
    {
        await using var engine = await StartAsync();
        var key = await engine.CreateKeyAsync(V1.AccessRole.Subscriber, new V1.AccessScope { PersonalData = true }, name: "sms-sender");
        var first = await SubmitAsync(engine);
        using var call = await OpenAsync(engine.As(key));
        var events = await EventStreams.ReadEventsAsync(call, seen => seen.Any(e => Received(e, first)));

        var changed = Stopwatch.GetTimestamp();
        Narrow(engine, AuthenticationTests.Split(key).KeyId);
        var end = await EndOfAsync(call);

        Assert.Equal(StatusCode.PermissionDenied, end.Status.StatusCode);
        Assert.True(end.Since(changed) < Promised, $"the stream ended {end.Since(changed)} after the change");
        var resumeFrom = events.Concat(end.Events).Max(e => e.Sequence);
        Assert.Contains($"from sequence {resumeFrom}", end.Status.Status.Detail, StringComparison.Ordinal);

        var second = await SubmitAsync(engine);
        using var again = new V1.EventService.EventServiceClient(engine.As(key)).Subscribe(new V1.SubscribeRequest { FromSequence = resumeFrom });
        var resumed = await EventStreams.ReadEventsAsync(again, seen => seen.Any(e => Received(e, second)));
        Assert.Equal("138****0001", resumed.Last().Payload.Unpack<V1.TicketReceived>().Ticket.Caller.Phone);
    }

    private static Task<EngineInstance> StartAsync(Action<IServiceCollection>? services = null) =>
        services is null ? WithDirectoryAsync(EngineInstance.StartAsync(null, Keys.RequiredArg)) : WithDirectoryAsync(EngineInstance.StartWithServicesAsync(services, Keys.RequiredArg));

    private static async Task<EngineInstance> WithDirectoryAsync(Task<EngineInstance> starting)
    {
        var engine = await starting;
        await new V1.DirectoryService.DirectoryServiceClient(engine.As(engine.AdminKey())).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        return engine;
    }

    /// <summary>A standalone front-end on the silo's gateway, with its own key ring, and a channel to it.</summary>
    private static async Task<(WebApplication Frontend, GrpcChannel Channel)> StartFrontendAsync(EngineInstance engine, params string[] args)
    {
        var port = FreePorts.Next();
        var frontend = FrontendHost.Build(["--grpc", $"127.0.0.1:{port}", "--gateway", $"127.0.0.1:{engine.GatewayPort}", "--Frontend:Security:Authentication=Required", .. args]);
        await frontend.StartAsync();
        return (frontend, GrpcChannel.ForAddress($"http://127.0.0.1:{port}"));
    }

    private static Func<Metadata, Metadata> Bearer(string key) => metadata =>
    {
        metadata.Add("authorization", "Bearer " + key);
        return metadata;
    };

    /// <summary>A stream from the start of the log, once the engine has accepted it (its headers came).</summary>
    private static async Task<AsyncServerStreamingCall<V1.SubscribeResponse>> OpenAsync(CallInvoker invoker)
    {
        var call = new V1.EventService.EventServiceClient(invoker).Subscribe(new V1.SubscribeRequest());
        await call.ResponseHeadersAsync;
        return call;
    }

    private static async Task<string> SubmitAsync(EngineInstance engine)
    {
        var submitted = await new V1.IntakeService.IntakeServiceClient(engine.As(engine.AdminKey())).SubmitTicketAsync(Requests.ContactJudge(SharedEngine.NewCaseNumber()));
        return submitted.Ticket.TicketId;
    }

    private static bool Received(V1.Event e, string ticketId) => e.EventType == "ticket.received" && e.AggregateId == ticketId;

    /// <summary>How a stream ended: the events it still sent, its status, and when (a Stopwatch timestamp).</summary>
    private sealed record End(List<V1.Event> Events, RpcException Status, long At)
    {
        public TimeSpan Since(long timestamp) => Stopwatch.GetElapsedTime(timestamp, At);
    }

    /// <summary>Reads to the end of the stream. A stream still open after <see cref="EventStreams.Patience"/> fails the
    /// test.</summary>
    private static async Task<End> EndOfAsync(AsyncServerStreamingCall<V1.SubscribeResponse> call)
    {
        var events = new List<V1.Event>();
        using var patience = new CancellationTokenSource(EventStreams.Patience);
        try
        {
            while (await call.ResponseStream.MoveNext(patience.Token))
            {
                if (call.ResponseStream.Current.Event is { } e)
                {
                    events.Add(e);
                }
            }
        }
        catch (RpcException ex)
        {
            Assert.False(patience.IsCancellationRequested, $"the stream was still open after {EventStreams.Patience}, having sent {events.Count} event(s)");
            return new End(events, ex, Stopwatch.GetTimestamp());
        }

        Assert.Fail("the stream ended with OK");
        return null!;
    }

    /// <summary>Takes the personal-data scope from a key in the table itself, and bumps the table's revision as every
    /// change through the API does.</summary>
    private static void Narrow(EngineInstance engine, string keyId)
    {
        using var connection = new SqliteConnection($"Data Source={engine.DatabasePath}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE api_keys SET personal_data = 0 WHERE key_id = $id;
            UPDATE access_revision SET revision = revision + 1 WHERE id = 1;
            """;
        command.Parameters.AddWithValue("$id", keyId);
        Assert.Equal(2, command.ExecuteNonQuery());
        transaction.Commit();
    }
}
