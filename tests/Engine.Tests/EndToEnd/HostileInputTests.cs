using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Engine.Domain;
using Engine.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Hostile input to every rpc of engine.v1 (malformed protobuf, odd values in every field): the engine never answers
/// INTERNAL or UNKNOWN, names the field it refuses, stores nothing for a refused call and stays healthy; text is stored
/// and returned exactly and kept out of the logs. Seeded and bounded: the same calls on every run.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class HostileInputTests(HostileInputTests.Engine engine, ITestOutputHelper output) : IClassFixture<HostileInputTests.Engine>
{
    private const int RandomSeed = 20250603;
    private const int RandomPayloadsPerMethod = 8;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Answers a hostile caller may get. UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL and UNKNOWN would mean the
    /// engine itself failed.</summary>
    private static readonly HashSet<StatusCode> Acceptable =
    [
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.AlreadyExists,
        StatusCode.OutOfRange, StatusCode.PermissionDenied, StatusCode.Unauthenticated, StatusCode.ResourceExhausted,
    ];

    private readonly EngineInstance _engine = engine.Instance;

    [Fact]
    public void Every_rpc_of_engine_v1_has_a_seed_request()
    {
        Assert.Equal(
            ["engine.v1.AccessService", "engine.v1.CalendarService", "engine.v1.CaseService", "engine.v1.DirectoryService", "engine.v1.EventService", "engine.v1.IntakeService", "engine.v1.KnowledgeService", "engine.v1.StatsService", "engine.v1.TicketService"],
            FuzzSeeds.EngineMethods.Select(m => m.Service.FullName).Distinct().Order(StringComparer.Ordinal));
        Assert.Empty(FuzzSeeds.EngineMethods.Where(m => FuzzSeeds.For(m, engine.World) is null).Select(m => m.FullName));
    }

    [Fact]
    public async Task Malformed_protobuf_is_refused_without_an_internal_error_and_stores_nothing()
    {
        await FuzzAsync((method, seed) =>
            FuzzBytes.For(method.InputType, seed.ToByteArray(), RandomSeed + StableHash(method.FullName), RandomPayloadsPerMethod));

        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Health_and_reflection_refuse_malformed_protobuf_as_invalid_too()
    {
        var problems = new List<string>();
        var seeds = new (Google.Protobuf.Reflection.ServiceDescriptor Service, IMessage Seed)[]
        {
            (Health.Descriptor, new HealthCheckRequest { Service = V1.IntakeService.Descriptor.FullName }),
            (ServerReflection.Descriptor, new ServerReflectionRequest { FileContainingSymbol = V1.IntakeService.Descriptor.FullName }),
        };
        foreach (var (service, seed) in seeds)
        {
            foreach (var method in service.Methods)
            {
                foreach (var (what, payload) in FuzzBytes.For(method.InputType, seed.ToByteArray(), RandomSeed + StableHash(method.FullName), RandomPayloadsPerMethod))
                {
                    await CallAsync(method, what, payload, problems);
                }

                var garbage = await RawCalls.CallAsync(_engine.Channel.CreateCallInvoker(), method, [0xFF, 0xFF, 0xFF], Patience);
                Assert.Equal(StatusCode.InvalidArgument, garbage.Status);
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Odd_values_in_every_field_get_no_internal_error_and_a_refusal_stores_nothing()
    {
        await FuzzAsync((_, seed) => FuzzMutations.Of(seed).Select(m => (m.What, m.Request.ToByteArray())));

        // Free text may hold these (ids may not), and no caller's text is logged: a log holding one was forged.
        foreach (var text in new[] { "a\r\nb", "a\0b", "\u0001", "\u202Eabc" })
        {
            Assert.Empty(engine.Logs.Containing(text));
        }

        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Hostile_text_is_stored_and_returned_exactly_and_kept_out_of_the_logs()
    {
        const string marker = "hostile-7q2x";
        var content = string.Join('\n',
            $"{marker} '); DROP TABLE tickets;-- \" OR 1=1 --",
            "<script>alert(1)</script><img src=x onerror=alert(1)> &amp; &lt;",
            "{0} {1:N} %s %n %x ${jndi:ldap://x} {{}}",
            "案件进展如何？請問 😀👍🏽 𠮷",
            "tab\there\r\nCRLF\rCR",
            "\u202Eright-to-left \u200Bzero-width \uFEFFbom e\u0301");
        var name = $"{marker}'); DROP TABLE tickets;-- <b>";
        var attachment = $"https://files.example/{marker}?q=<b>'\"&x=%00";
        var request = Requests.ContactJudge(string.Empty);
        request.CourtId = engine.World.Court;
        request.Content = content;
        request.Caller.Name = name;
        request.Attachments.Add(attachment);
        var head = EngineDatabase.Scalar(_engine.DataDirectory, "SELECT coalesce(max(sequence), 0) FROM events");

        var submitted = (await _engine.Intake.SubmitTicketAsync(request)).Ticket;
        var read = (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = submitted.TicketId })).Ticket;

        foreach (var ticket in new[] { submitted, read, await LoggedAsync(submitted.TicketId, head) })
        {
            Assert.Equal(content, ticket.Content);
            Assert.Equal(name, ticket.Caller.Name);
            Assert.Equal(attachment, Assert.Single(ticket.Attachments));
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_engine.DashboardPort}") };
        using var page = await http.GetAsync($"/supervision/api/tickets/{submitted.TicketId}");
        var body = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(content, json.RootElement.GetProperty("content").GetString());
        Assert.Empty(engine.Logs.Containing(marker));
    }

    /// <summary>Sends every payload <paramref name="payloads"/> makes of each rpc's seed, one call at a time, and fails
    /// listing every call that went wrong.</summary>
    private async Task FuzzAsync(Func<MethodDescriptor, IMessage, IEnumerable<(string What, byte[] Payload)>> payloads)
    {
        var problems = new List<string>();
        var calls = 0;
        var watch = Stopwatch.StartNew();
        foreach (var method in FuzzSeeds.EngineMethods)
        {
            foreach (var (what, payload) in payloads(method, Seed(method)))
            {
                calls++;
                await CallAsync(method, what, payload, problems);
            }
        }

        output.WriteLine($"{calls} calls in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join('\n', problems.Take(60).Select(p => p.Length > 400 ? p[..400] + "…" : p)));
    }

    /// <summary>Sends one payload and notes what is wrong with the answer, or with what the engine stored for it.</summary>
    private async Task CallAsync(MethodDescriptor method, string what, byte[] payload, List<string> problems)
    {
        var before = EngineDatabase.StoredState(_engine.DataDirectory);
        var answer = await RawCalls.CallAsync(_engine.Channel.CreateCallInvoker(), method, payload, Patience);
        var problem = Problem(method, answer);
        if (problem is null && answer.Status != StatusCode.OK && EngineDatabase.StoredState(_engine.DataDirectory) is var after && after != before)
        {
            problem = $"answered {answer.Status} but stored something: {before} -> {after}";
        }

        if (problem is not null)
        {
            problems.Add($"{method.FullName} [{what}]: {problem}");
        }
    }

    private static string? Problem(MethodDescriptor method, RawAnswer answer)
    {
        if (!Acceptable.Contains(answer.Status))
        {
            return $"answered {answer.Status} ({answer.Error?.Status.Detail})";
        }

        if (answer.Status == StatusCode.InvalidArgument)
        {
            var violations = answer.Error!.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
            if (violations is null || violations.Count == 0)
            {
                return $"INVALID_ARGUMENT without a google.rpc.BadRequest naming the field ({answer.Error!.Status.Detail})";
            }

            if (violations.FirstOrDefault(v => !Names(method.InputType, v.Field)) is { } stray)
            {
                return $"INVALID_ARGUMENT names '{stray.Field}', which is not a field of {method.InputType.Name}";
            }
        }

        if (answer.Response is { } response)
        {
            try
            {
                method.OutputType.Parser.ParseFrom(response);
            }
            catch (InvalidProtocolBufferException ex)
            {
                return $"an answer that is not a {method.OutputType.Name}: {ex.Message}";
            }
        }

        return null;
    }

    /// <summary>Whether a violation's field path ("case.parties[3].phone", "request" for a message that does not
    /// parse) leads through the request's fields; past a string field (the JSON of an import) anything goes.</summary>
    private static bool Names(MessageDescriptor type, string path)
    {
        if (path == "request")
        {
            return true;
        }

        MessageDescriptor? current = type;
        foreach (var segment in path.Split('.'))
        {
            if (current is null)
            {
                return true;
            }

            var name = segment.Split('[')[0];
            var field = current.FindFieldByName(name);
            if (field is null)
            {
                // A oneof names the choice none of whose fields was given ("proof": a password or a code).
                return current.Oneofs.Any(o => o.Name == name) && segment == path.Split('.')[^1];
            }

            current = field.FieldType == FieldType.Message ? field.MessageType : null;
        }

        return true;
    }

    private IMessage Seed(MethodDescriptor method) =>
        FuzzSeeds.For(method, engine.World) ?? throw new InvalidOperationException($"{method.FullName} has no seed request in FuzzSeeds");

    /// <summary>SERVING, and a submission and a read still work.</summary>
    private async Task AssertHealthyAsync()
    {
        var health = await new Health.HealthClient(_engine.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var request = Requests.ContactJudge(string.Empty);
        request.CourtId = engine.World.Court;
        var ticket = (await _engine.Intake.SubmitTicketAsync(request)).Ticket;
        Assert.Equal(request.Content, (await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = ticket.TicketId })).Ticket.Content);
    }

    /// <summary>The ticket as the log's ticket.received event after <paramref name="after"/> holds it (read from the
    /// database, not from the grain).</summary>
    private async Task<V1.Ticket> LoggedAsync(string ticketId, long after)
    {
        var events = new V1.EventService.EventServiceClient(_engine.Channel);
        using var call = events.Subscribe(new V1.SubscribeRequest { FromSequence = after, Filter = new V1.EventFilter { EventTypes = { "ticket.received" } } });
        var received = await EventStreams.ReadEventsAsync(call, found => found.Any(e => e.AggregateId == ticketId));
        return received.Single(e => e.AggregateId == ticketId).Payload.Unpack<V1.TicketReceived>().Ticket;
    }

    /// <summary>FNV-1a: string.GetHashCode differs from run to run.</summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    public sealed class Engine : IAsyncLifetime
    {
        public EngineInstance Instance { get; private set; } = null!;

        public CapturedLogs Logs { get; } = new();

        public FuzzWorld World { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // A frozen clock: no deadline fires and no leave begins while the fuzz runs, so only the calls write.
            var now = new DateTimeOffset(2025, 6, 3, 10, 0, 0, TimeSpan.FromHours(8));
            Instance = await EngineInstance.StartWithServicesAsync(
                services =>
                {
                    services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, new FakeTimeProvider(now));
                    services.AddSingleton<ILoggerProvider>(Logs);
                    services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(typeof(CapturedLogs).FullName, null, LogLevel.Debug, null)));
                },
                "--Engine:Events:HeartbeatInterval=00:00:00.200");
            await Instance.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
            const string court = "sh-pudong";
            var judge = SampleDirectory.JudgeId(court, "civil-1", 1);
            var caseNumber = SharedEngine.NewCaseNumber();
            await Instance.Cases.UpsertCaseAsync(Requests.Case(caseNumber, court, "civil-1", judge));
            var ticket = (await Instance.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
            World = new FuzzWorld(court, judge, SampleDirectory.JudgeId(court, "civil-1", 2), caseNumber, ticket.TicketId, now);
        }

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
