using Engine.Api;
using Engine.Contracts;
using Engine.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Issue "Hardening", point 5: the log is for what the operator must act on. A refused call costs at most one entry,
/// at debug level and without a stack trace (13,000 fuzzed calls wrote 40,721 lines, mostly gRPC's own information
/// entries with a stack trace each); a failure of the engine is still an error with its exception; and a start does
/// not report the machine's uptime as a stalled health check. The engine runs with the shipped appsettings.json.
/// </summary>
public sealed class LogNoiseTests(LogNoiseTests.Engine engine) : IClassFixture<LogNoiseTests.Engine>
{
    private const string Court = "sh-pudong";
    private readonly EngineInstance _engine = engine.Instance;

    [Fact]
    public async Task Refused_calls_cost_at_most_one_log_entry_each_and_none_carries_a_stack_trace()
    {
        var ticket = (await _engine.Intake.SubmitTicketAsync(Requests.ContactJudge(await CaseAsync()))).Ticket;
        var before = engine.Logs.Entries.Count;

        const int Rounds = 5;
        for (var i = 0; i < Rounds; i++)
        {
            // Refused by the service's validation, by a grain (a missing ticket, a wrong state, an unknown court) and,
            // before any of the engine's code runs, by the protobuf parser.
            await RpcAssert.StatusAsync(StatusCode.InvalidArgument, async () => await _engine.Intake.SubmitTicketAsync(new V1.SubmitTicketRequest()));
            await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await _engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = "T00000000000000000000000000" }));
            await RpcAssert.StatusAsync(StatusCode.FailedPrecondition, async () => await _engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = ticket.TicketId, Actor = "staff-01" }));
            await RpcAssert.StatusAsync(StatusCode.InvalidArgument, async () =>
                await _engine.Cases.UpsertCaseAsync(Requests.Case(SharedEngine.NewCaseNumber(), "no-such-court", "civil-1", null)));
            var malformed = await RawCalls.CallAsync(_engine.Channel.CreateCallInvoker(), V1.IntakeService.Descriptor.FindMethodByName("SubmitTicket"), [0xFF, 0xFF, 0xFF], TimeSpan.FromSeconds(20));
            Assert.Equal(StatusCode.InvalidArgument, malformed.Status);
        }

        const int Refused = Rounds * 5;
        var logged = engine.Logs.Entries.Skip(before).ToList();
        Assert.True(logged.Count <= Refused, $"{logged.Count} entries for {Refused} refused calls:\n" + string.Join('\n', logged.Take(20).Select(e => $"{e.Level} {e.Category}[{e.EventId}] {e.Message}")));
        Assert.All(logged, e => Assert.Null(e.Exception));
        var refusals = logged.Where(e => e.Category == typeof(ErrorInterceptor).FullName).ToList();
        Assert.Equal(Rounds * 4, refusals.Count);
        Assert.All(refusals, e => Assert.Equal((LogLevel.Debug, 2001), (e.Level, e.EventId)));
        Assert.Contains(refusals, e => e.Message == "/engine.v1.TicketService/Close refused with FailedPrecondition");
    }

    [Fact]
    public async Task An_engine_that_fails_logs_an_error_with_its_exception_and_a_refusal_one_debug_line_without_one()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var interceptor = new ErrorInterceptor(factory.CreateLogger<ErrorInterceptor>(), Microsoft.Extensions.Options.Options.Create(new CallWaitOptions()));

        var failed = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<V1.GetTicketRequest, V1.TicketResponse>(
            new V1.GetTicketRequest(), new TestCallContext(), (_, _) => throw new InvalidOperationException("a bug")));
        var refused = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<V1.GetTicketRequest, V1.TicketResponse>(
            new V1.GetTicketRequest(), new TestCallContext(), (_, _) => throw EngineException.NotFound("ticket T1 does not exist")));

        Assert.Equal((StatusCode.Internal, "internal error"), (failed.StatusCode, failed.Status.Detail));
        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Collection(
            logs.Entries,
            error =>
            {
                Assert.Equal((LogLevel.Error, 2000), (error.Level, error.EventId));
                Assert.IsType<InvalidOperationException>(error.Exception);
            },
            refusal =>
            {
                Assert.Equal((LogLevel.Debug, 2001, "test refused with NotFound"), (refusal.Level, refusal.EventId, refusal.Message));
                Assert.Null(refusal.Exception);
            });
    }

    [Fact]
    public void A_start_reports_no_stalled_health_check()
    {
        // Orleans' watchdog checks as it starts, before the host reports it has started.
        // (A busy machine may report real stalls of the thread pool; this one was the machine's uptime, at every start.)
        Assert.Empty(engine.Logs.Containing("Participant check thread has not completed"));
    }

    private async Task<string> CaseAsync()
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        return caseNumber;
    }

    /// <summary>An engine with the sample directory whose log entries are kept, filtered by the shipped settings, with
    /// the refusal entries (debug) turned on to count them.</summary>
    public sealed class Engine : IAsyncLifetime
    {
        public EngineInstance Instance { get; private set; } = null!;

        public CapturedLogs Logs { get; } = new();

        public async Task InitializeAsync()
        {
            Instance = await EngineInstance.StartWithServicesAsync(
                services => services.AddSingleton<ILoggerProvider>(Logs),
                $"--Logging:LogLevel:{typeof(ErrorInterceptor).FullName}=Debug");
            await Instance.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        }

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
