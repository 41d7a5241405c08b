using System.Text;
using Engine.Contracts;
using Engine.Domain;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Issue "Trust": no phone number, password or caller text in the logs. The real engine runs as a child process with
/// every category (the engine's, Orleans, ASP.NET Core, Kestrel, gRPC) at Trace and scopes on; a full run goes
/// through it with obviously fake, distinctive values; then its whole stdout and stderr, shutdown included, are
/// searched for each of them.
/// </summary>
public sealed class PersonalDataInLogsTests
{
    private const string Court = "sh-jingan";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    // Two parties' phones and the caller's, each sent in a different format.
    private const string PartyPhone = "+86 139-8765-0123";
    private const string AgentPhone = "021-6543-2109";
    private const string CallerPhone = "137 2468 1357";
    private const string Password = "Pw-zebra-71829-secret";
    private const string WrongPassword = "Pw-wrong-44817-guess";
    private const string GuessPrefix = "Pw-brute-90361-";
    private const string PartyName = "假名周吴郑 PartyQz1";
    private const string CallerName = "假名赵钱孙 CallerQz2";
    private const string Content = "CONTENT-MARKER-7f3a 请问我的案件进展如何";
    private const string Reply = "REPLY-MARKER-51c0 已安排开庭";
    private const string Answer = "ANSWER-MARKER-a9d2 可在线申请";
    private const string Reason = "REASON-MARKER-e4b7";
    private const string Note = "NOTE-MARKER-0c6e 问题未解决";
    private const string RejectedPhone = "1770011223x";
    private const string RejectedText = "REJECTED-MARKER-3d8f";
    private const string WrongCode = "CODE-MARKER-8b1e-";

    [Fact]
    public async Task A_full_run_at_trace_level_logs_no_phone_password_key_or_caller_text()
    {
        using var data = new TempDirectory();
        var grpc = FreePorts.Next();
        using var engine = EngineProcess.Start([.. EngineProcess.Args(grpc, data.Path), .. VerboseLogging, Keys.RequiredArg]);
        await engine.WaitUntilStartedAsync(StartTimeout);
        // Keys are secrets too: the run goes through the admin key, and makes and uses another.
        var admin = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin.key"))).Trim();
        var keys = new List<string> { admin[17..] };
        string code;
        using (var channel = WithKey(grpc, admin))
        {
            code = await RunAsync(channel);
            var created = await new V1.AccessService.AccessServiceClient(channel).CreateApiKeyAsync(new V1.CreateApiKeyRequest { Name = "log-test", Role = V1.AccessRole.Subscriber });
            keys.Add(created.Secret[17..]);
            using var subscriber = WithKey(grpc, created.Secret);
            await new V1.AccessService.AccessServiceClient(subscriber).WhoAmIAsync(new V1.WhoAmIRequest());
            await Assert.ThrowsAsync<RpcException>(() => new V1.AccessService.AccessServiceClient(WithKey(grpc, created.Secret[..^3] + "xyz")).WhoAmIAsync(new V1.WhoAmIRequest()).ResponseAsync);
        }

        engine.Terminate();
        Assert.Equal(0, await engine.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var log = engine.StandardOutput + engine.StandardError;

        // The search can only fail if the run really logged, verbosely, in every layer.
        Assert.Contains("trce: Orleans.", log, StringComparison.Ordinal);
        Assert.Contains("dbug: Grpc.AspNetCore.Server", log, StringComparison.Ordinal);
        Assert.Contains("trce: Microsoft.AspNetCore.Server.Kestrel", log, StringComparison.Ordinal);
        Assert.Contains("/engine.v1.CaseService/LookupCase", log, StringComparison.Ordinal);
        Assert.Contains("/engine.v1.EventService/Subscribe", log, StringComparison.Ordinal);
        Assert.Contains("are locked for one phone", log, StringComparison.Ordinal);
        Assert.Contains("/engine.v1.CaseService/LookupMyTickets", log, StringComparison.Ordinal);
        Assert.Contains("One-time-code look-ups of one phone are locked", log, StringComparison.Ordinal);
        var lines = log.Split('\n');

        // The code the engine texted: six digits, so searched for as a number standing alone.
        var standalone = new System.Text.RegularExpressions.Regex($"(?<![0-9]){code}(?![0-9])");
        Assert.DoesNotContain(lines, l => standalone.IsMatch(l));
        var leaks = Secrets().Concat(keys).Distinct().Select(secret => (Secret: secret, Lines: lines.Where(l => l.Contains(secret, StringComparison.Ordinal)).ToList()))
            .Where(leak => leak.Lines.Count > 0).ToList();
        Assert.True(leaks.Count == 0, "personal data in the log:\n" + string.Join('\n', leaks.Select(leak =>
            $"'{leak.Secret}' on {leak.Lines.Count} lines, e.g.\n  " + string.Join("\n  ", leak.Lines.Take(3).Select(Cut)))));
    }

    [Fact]
    public void Records_that_carry_personal_data_show_none_of_it_in_their_text()
    {
        var caller = new CallerInfo(CallerName, Phone.Canonical(CallerPhone)!, CallerRole.Party);
        var history = new HistoryEntry(DateTimeOffset.UnixEpoch, "staff-01", "closed", TicketState.Replied, TicketState.Closed, Reason, null);
        var ticket = new TicketRecord
        {
            TicketId = "T1", Version = 3, IdempotencyKey = "k", Channel = Channel.Hotline, Kind = TicketKind.ContactJudge, Caller = caller, Content = Content,
            State = TicketState.Closed, Assignee = Assignee.Triage, Routing = new RoutingInfo("triage", "no court"), CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch, Reply = Reply, History = [history], Callback = new CallbackResult(Satisfaction.Satisfied, Satisfaction.Satisfied, Note, "staff-09", DateTimeOffset.UnixEpoch),
        };
        var party = new PartyInfo(PartyName, PartyRole.Plaintiff, Phone.Canonical(PartyPhone));
        var texts = new object[]
        {
            ticket, new SubmitResult(ticket, false), history,
            new NewTicket("k", Channel.Hotline, TicketKind.ContactJudge, TicketSubKind.Unspecified, null, null, caller, Content, Priority.Normal, []),
            new CaseUpsert("c", "court", null, null, [party], CaseStatus.Open, [], Password, "case-management"),
        }.Select(o => o.ToString()!).ToList();

        Assert.Contains("TicketId = T1, Version = 3", texts[0], StringComparison.Ordinal);
        foreach (var secret in Secrets())
        {
            Assert.All(texts, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }

    private static readonly string[] VerboseLogging =
    [
        "--Logging:LogLevel:Default=Trace",
        "--Logging:LogLevel:Microsoft=Trace",
        "--Logging:LogLevel:Microsoft.AspNetCore=Trace",
        "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Trace",
        "--Logging:LogLevel:Orleans=Trace",
        "--Logging:LogLevel:Polly=Trace",
        "--Logging:LogLevel:Grpc=Trace",
        "--Logging:Console:IncludeScopes=true",
    ];

    /// <summary>Every value that must not reach a log, each phone in every form a log could hold it in.</summary>
    private static IEnumerable<string> Secrets()
    {
        foreach (var phone in new[] { PartyPhone, AgentPhone, CallerPhone })
        {
            var digits = new string([.. phone.Replace("+86", string.Empty, StringComparison.Ordinal).Where(char.IsAsciiDigit)]);
            yield return phone;
            yield return digits;
            yield return "+86" + digits;
            yield return $"{digits[..3]}-{digits[3..7]}-{digits[7..]}";
            yield return $"{digits[..3]} {digits[3..7]} {digits[7..]}";
        }

        yield return Password;
        yield return WrongPassword;
        yield return GuessPrefix;
        yield return RejectedPhone;
        yield return RejectedText;
        yield return WrongCode;
        yield return Reason;

        // Each part of the texts alone, in case a log cut a text or escaped its Chinese half.
        foreach (var text in new[] { PartyName, CallerName, Content, Reply, Answer, Note })
        {
            yield return text.Split(' ')[0];
            yield return text.Split(' ')[1];
        }
    }

    private static GrpcChannel WithKey(int port, string key) => GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, V1.ApiKeyCredentials.For(key)),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    private static string Cut(string line) => line.Length > 300 ? line[..300] + "…" : line;

    /// <summary>Everything the engine does with personal data: intake, handling, callbacks, the password look-up with
    /// its lockout, a caller's own tickets by password and by code with the code's lockout, rejected input, an event
    /// subscription and statistics. Answers the one-time code the engine issued.</summary>
    private static async Task<string> RunAsync(GrpcChannel channel)
    {
        var directory = new V1.DirectoryService.DirectoryServiceClient(channel);
        var cases = new V1.CaseService.CaseServiceClient(channel);
        var intake = new V1.IntakeService.IntakeServiceClient(channel);
        var tickets = new V1.TicketService.TicketServiceClient(channel);
        await directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        using var subscription = new V1.EventService.EventServiceClient(channel).Subscribe(new V1.SubscribeRequest());

        var judge = SampleDirectory.JudgeId(Court, "civil-1", 1);
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        await cases.UpsertCaseAsync(CaseWithParties(caseNumber, judge));
        await cases.RecordNodeAsync(new V1.RecordNodeRequest
        {
            CaseNumber = caseNumber,
            Node = new V1.CaseNode { Type = V1.CaseNodeType.Filed, At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Public = true },
        });

        var contact = (await intake.SubmitTicketAsync(Submission(V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactProgressInquiry, caseNumber))).Ticket;
        await tickets.AcceptAsync(new V1.AcceptRequest { TicketId = contact.TicketId, Actor = judge });
        await tickets.PauseClockAsync(new V1.PauseClockRequest { TicketId = contact.TicketId, Actor = judge, Reason = Reason });
        await tickets.ResumeClockAsync(new V1.ResumeClockRequest { TicketId = contact.TicketId, Actor = judge });
        await tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = contact.TicketId, Actor = judge, Reason = Reason,
            To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = SampleDirectory.JudgeId(Court, "civil-1", 2) },
        });
        await tickets.ReturnToPlatformAsync(new V1.ReturnToPlatformRequest { TicketId = contact.TicketId, Actor = SampleDirectory.JudgeId(Court, "civil-1", 2), Reason = Reason });
        await tickets.DispatchAsync(new V1.DispatchRequest
        {
            TicketId = contact.TicketId, StaffId = "staff-01", Reason = Reason, Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = judge },
        });
        await tickets.ReplyAsync(new V1.ReplyRequest { TicketId = contact.TicketId, Actor = judge, Reply = Reply });
        await tickets.CloseAsync(new V1.CloseRequest { TicketId = contact.TicketId, Actor = "staff-01", Note = Note });

        var consultation = (await intake.SubmitTicketAsync(Submission(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationExecution, null))).Ticket;
        await tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = consultation.TicketId, StaffId = "staff-07", Answer = Answer });

        await HandleComplaintAndItsCallbackAsync(intake, tickets);
        await LookUpAsync(cases, caseNumber);
        var code = await LookUpOwnTicketsAsync(channel, cases, caseNumber);
        await SendRejectedInputAsync(cases, intake, caseNumber);
        await ReadEventsAndStatisticsAsync(channel, subscription);
        return code;
    }

    /// <summary>The caller's tickets by a code the event carries, then wrong codes until the phone is locked; the
    /// party's by the case's password.</summary>
    private static async Task<string> LookUpOwnTicketsAsync(GrpcChannel channel, V1.CaseService.CaseServiceClient cases, string caseNumber)
    {
        using var issued = new V1.EventService.EventServiceClient(channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { EventTypes = { "caller.code_issued" } },
        });
        await cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = CallerPhone, CourtId = Court });
        var code = (await EventStreams.ReadEventsAsync(issued, e => e.Count >= 1))[0].Payload.Unpack<V1.CallerCodeIssued>().Code;
        Assert.NotEmpty((await cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest { Phone = CallerPhone, Code = code, PageSize = 1 })).Tickets);
        for (var i = 0; i < 6; i++)
        {
            await RpcAssert.StatusAsync(StatusCode.NotFound, async () =>
                await cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest { Phone = CallerPhone, Code = WrongCode + i }));
        }

        await cases.LiftLookupLockoutAsync(new V1.LiftLookupLockoutRequest { Phone = CallerPhone, Reason = Reason });
        await cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest
        {
            Phone = PartyPhone, CasePassword = new V1.CasePasswordProof { CaseNumber = caseNumber, ServicePassword = Password },
        });
        return code;
    }

    private static async Task HandleComplaintAndItsCallbackAsync(V1.IntakeService.IntakeServiceClient intake, V1.TicketService.TicketServiceClient tickets)
    {
        var complaint = (await intake.SubmitTicketAsync(Submission(V1.TicketKind.Suggestion, V1.TicketSubKind.SuggestionComplaint, null))).Ticket;
        await tickets.ReplyAsync(new V1.ReplyRequest { TicketId = complaint.TicketId, Actor = complaint.Assignee.Id, Reply = Reply });
        await tickets.CloseAsync(new V1.CloseRequest { TicketId = complaint.TicketId, Actor = "staff-01" });
        var callback = (await tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = Court, Kind = V1.TicketKind.Callback })).Tickets
            .Single(t => t.CallbackOf == complaint.TicketId);
        await tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
        {
            TicketId = callback.TicketId, Actor = "staff-09", Note = Note,
            ServiceSatisfaction = V1.Satisfaction.BasicallySatisfied, ResultSatisfaction = V1.Satisfaction.Dissatisfied,
        });
        await tickets.CancelAsync(new V1.CancelRequest { TicketId = complaint.TicketId, Actor = "staff-01", Reason = Reason });
    }

    private static async Task LookUpAsync(V1.CaseService.CaseServiceClient cases, string caseNumber)
    {
        await cases.LookupCaseAsync(Lookup(caseNumber, "139 8765 0123", Password));
        await cases.LookupCaseAsync(Lookup(caseNumber, AgentPhone, Password));
        foreach (var attempt in new[]
        {
            Lookup(caseNumber, PartyPhone, WrongPassword),
            Lookup(caseNumber, CallerPhone, Password),
            Lookup(SharedEngine.NewCaseNumber("沪0106"), PartyPhone, Password),
        })
        {
            await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await cases.LookupCaseAsync(attempt));
        }

        for (var i = 0; i < 6; i++)
        {
            await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await cases.LookupCaseAsync(Lookup(caseNumber, AgentPhone, GuessPrefix + i)));
        }

        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await cases.LookupCaseAsync(Lookup(caseNumber, AgentPhone, Password)));
        // The lock is lifted (audited, the phone masked) and the agent gets in.
        await cases.LiftLookupLockoutAsync(new V1.LiftLookupLockoutRequest { CaseNumber = caseNumber, Phone = AgentPhone, Reason = Reason });
        await cases.LookupCaseAsync(Lookup(caseNumber, AgentPhone, Password));
    }

    /// <summary>Refusals name the field; neither they nor the logs may repeat the value.</summary>
    private static async Task SendRejectedInputAsync(V1.CaseService.CaseServiceClient cases, V1.IntakeService.IntakeServiceClient intake, string caseNumber)
    {
        var badPhone = Submission(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, null);
        badPhone.Caller.Phone = RejectedPhone;
        var tooLong = Submission(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, null);
        tooLong.Content = string.Concat(Enumerable.Repeat(RejectedText + " 内容过长", 800));
        var control = Submission(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, null);
        control.Content = RejectedText + "\u0007";
        var longName = Submission(V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, null);
        longName.Caller.Name = string.Concat(Enumerable.Repeat(RejectedText, 5));
        var badParty = CaseWithParties(caseNumber, null);
        badParty.Case.Parties[0].Phone = RejectedPhone;
        badParty.ServicePassword = RejectedText + new string('x', 60);

        var refusals = new List<RpcException>();
        foreach (var request in new[] { badPhone, tooLong, control, longName })
        {
            refusals.Add(await RpcAssert.StatusAsync(StatusCode.InvalidArgument, async () => await intake.SubmitTicketAsync(request)));
        }

        refusals.Add(await RpcAssert.StatusAsync(StatusCode.InvalidArgument, async () => await cases.UpsertCaseAsync(badParty)));
        refusals.Add(await RpcAssert.StatusAsync(StatusCode.InvalidArgument, async () =>
            await cases.LookupCaseAsync(Lookup(caseNumber, RejectedPhone, RejectedText + new string('x', 60)))));
        var batch = await intake.SubmitTicketsAsync(new V1.SubmitTicketsRequest { Tickets = { badPhone, tooLong } });
        Assert.All(batch.Results, r => Assert.DoesNotContain(RejectedText, r.ErrorMessage, StringComparison.Ordinal));
        Assert.All(batch.Results, r => Assert.DoesNotContain(RejectedPhone, r.ErrorMessage, StringComparison.Ordinal));
        foreach (var refusal in refusals)
        {
            var answer = refusal.Status.Detail + Encoding.UTF8.GetString(refusal.Trailers.GetValueBytes("grpc-status-details-bin") ?? []);
            Assert.DoesNotContain(RejectedText, answer, StringComparison.Ordinal);
            Assert.DoesNotContain(RejectedPhone, answer, StringComparison.Ordinal);
        }
    }

    private static async Task ReadEventsAndStatisticsAsync(GrpcChannel channel, AsyncServerStreamingCall<V1.SubscribeResponse> subscription)
    {
        await EventStreams.ReadEventsAsync(subscription, events => events.Any(e => e.EventType == "ticket.cancelled"));
        var stats = new V1.StatsService.StatsServiceClient(channel);
        var today = new V1.Period
        {
            From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
            To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        };
        await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = Court }, Period = today, GroupBy = { V1.StatsGroupBy.Kind, V1.StatsGroupBy.Channel } });
        await stats.GetHotTopicsAsync(new V1.GetHotTopicsRequest { CourtId = Court, Period = today });
        await stats.ListOverdueAsync(new V1.ListOverdueRequest { Scope = new V1.StatsScope { CourtId = Court } });
    }

    private static V1.UpsertCaseRequest CaseWithParties(string caseNumber, string? judge) => new()
    {
        Case = new V1.Case
        {
            CaseNumber = caseNumber,
            CourtId = Court,
            DivisionId = "civil-1",
            PresidingJudgeId = judge ?? string.Empty,
            Parties =
            {
                new V1.Party { Name = PartyName, Role = V1.PartyRole.Plaintiff, Phone = PartyPhone },
                new V1.Party { Name = PartyName, Role = V1.PartyRole.Agent, Phone = AgentPhone },
            },
        },
        ServicePassword = Password,
        Actor = "case-management",
    };

    private static V1.SubmitTicketRequest Submission(V1.TicketKind kind, V1.TicketSubKind subKind, string? caseNumber) => new()
    {
        IdempotencyKey = Guid.NewGuid().ToString("N"),
        Channel = V1.Channel.Hotline,
        Kind = kind,
        SubKind = subKind,
        CourtId = Court,
        CaseNumber = caseNumber ?? string.Empty,
        Caller = new V1.Caller { Name = CallerName, Phone = CallerPhone, Role = V1.CallerRole.Party },
        Content = Content,
    };

    private static V1.LookupCaseRequest Lookup(string caseNumber, string phone, string password) =>
        new() { CaseNumber = caseNumber, Phone = phone, ServicePassword = password };
}
