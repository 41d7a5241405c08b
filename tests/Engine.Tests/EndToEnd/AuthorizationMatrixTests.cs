using Engine.Tests.Support;
using Google.Protobuf.Reflection;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Every call of the API against every role, through real gRPC: a role outside a call's list is refused with
/// PERMISSION_DENIED by the role gate before anything is read or validated; a role inside it gets past the gate (to
/// whatever the empty request then earns: INVALID_ARGUMENT, NOT_FOUND, a scope refusal, OK…). The expected table is written out here, apart from the
/// engine's own policy, so that a change to either shows up; a call missing from it fails the test.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizedEngine fixture) : IClassFixture<AuthorizedEngine>
{
    private const string A = "admin", C = "channel", J = "judge", S = "staff", K = "cases", U = "subscriber", V = "supervisor";

    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["IntakeService/SubmitTicket"] = [A, C],
        ["IntakeService/SubmitTickets"] = [A, C],
        ["TicketService/GetTicket"] = [A, C, J, S, V],
        ["TicketService/ListTickets"] = [A, J, S, V],
        ["TicketService/AnswerOnSpot"] = [A, C, S],
        ["TicketService/Cancel"] = [A, C, S],
        ["TicketService/Dispatch"] = [A, S],
        ["TicketService/Accept"] = [A, J, S],
        ["TicketService/Reply"] = [A, J, S],
        ["TicketService/Transfer"] = [A, J, S],
        ["TicketService/ReturnToPlatform"] = [A, J, S],
        ["TicketService/PauseClock"] = [A, J, S],
        ["TicketService/ResumeClock"] = [A, J, S],
        ["TicketService/Close"] = [A, S],
        ["TicketService/Reopen"] = [A, S],
        ["TicketService/ExtendDeadline"] = [A, S],
        ["TicketService/RecordCallback"] = [A, S],
        ["TicketService/Rate"] = [A, C, S],
        ["TicketService/RecordFilingDecision"] = [A, J, S],
        ["CaseService/UpsertCase"] = [A, K],
        ["CaseService/AssignJudge"] = [A, K],
        ["CaseService/MoveCase"] = [A, K],
        ["CaseService/RecordNode"] = [A, K],
        ["CaseService/GetCase"] = [A, K, S, V, J],
        ["CaseService/ListCaseTickets"] = [A, K, S, V],
        ["CaseService/LookupCase"] = [A, C],
        ["CaseService/LiftLookupLockout"] = [A, S],
        ["CaseService/RequestLookupCode"] = [A, C],
        ["CaseService/LookupMyTickets"] = [A, C],
        ["DirectoryService/UpsertCourt"] = [A],
        ["DirectoryService/UpsertDivision"] = [A],
        ["DirectoryService/UpsertJudge"] = [A],
        ["DirectoryService/ImportDirectory"] = [A],
        ["DirectoryService/SetRoutingRules"] = [A],
        ["DirectoryService/SetAvailability"] = [A, S],
        ["DirectoryService/GetCourt"] = [A, C, J, S, K, U, V],
        ["DirectoryService/GetJudge"] = [A, J, S, V],
        ["EventService/Subscribe"] = [A, U, V],
        ["EventService/CommitCursor"] = [A, U, V],
        ["EventService/GetCursor"] = [A, U, V],
        ["StatsService/GetStats"] = [A, S, V],
        ["StatsService/GetHotTopics"] = [A, S, V],
        ["StatsService/ListOverdue"] = [A, S, V],
        ["StatsService/GetSatisfaction"] = [A, S, V],
        ["StatsService/ListPendingFilings"] = [A, S, V],
        ["StatsService/GetKnowledgeFigures"] = [A, S, V],
        ["StatsService/GetCirculatedReport"] = [A, S, V],
        ["StatsService/RebuildStats"] = [A],
        ["AccessService/CreateApiKey"] = [A],
        ["AccessService/RevokeApiKey"] = [A],
        ["AccessService/ListApiKeys"] = [A],
        ["AccessService/ListAuditLog"] = [A],
        ["AccessService/WhoAmI"] = [A, C, J, S, K, U, V],
        ["CalendarService/PutCalendar"] = [A],
        ["CalendarService/GetCalendar"] = [A, C, J, S, K, U, V],
        ["CalendarService/ListCalendars"] = [A, C, J, S, K, U, V],
        ["KnowledgeService/CreateEntry"] = [A, S],
        ["KnowledgeService/UpdateEntry"] = [A, S],
        ["KnowledgeService/RetireEntry"] = [A, S],
        ["KnowledgeService/ImportEntries"] = [A, S],
        ["KnowledgeService/GetEntry"] = [A, S, V],
        ["KnowledgeService/ListEntries"] = [A, S, V],
        ["KnowledgeService/ExportEntries"] = [A, S, V],
        ["KnowledgeService/SearchKnowledge"] = [A, C, S],
        ["KnowledgeService/SuggestAnswers"] = [A, C, S],
        ["KnowledgeService/PublicSearch"] = [A, C],
    };

    private static readonly ServiceDescriptor[] Services =
    [
        V1.IntakeService.Descriptor, V1.TicketService.Descriptor, V1.CaseService.Descriptor, V1.DirectoryService.Descriptor,
        V1.EventService.Descriptor, V1.StatsService.Descriptor, V1.AccessService.Descriptor, V1.CalendarService.Descriptor,
        V1.KnowledgeService.Descriptor,
    ];

    [Fact]
    public void Every_call_of_the_api_has_its_row_in_the_table()
    {
        var methods = Services.SelectMany(s => s.Methods).Select(m => $"{m.Service.Name}/{m.Name}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(methods, Expected.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Every_role_gets_past_exactly_the_calls_of_its_row()
    {
        var wrong = new List<string>();
        foreach (var method in Services.SelectMany(s => s.Methods))
        {
            var row = Expected[$"{method.Service.Name}/{method.Name}"];
            foreach (var (role, key) in fixture.KeysByRole)
            {
                var (admitted, status) = await TryAsync(key, method);
                if (admitted != row.Contains(role))
                {
                    wrong.Add($"{method.Service.Name}/{method.Name} as {role}: {(admitted ? "admitted" : "refused")} ({status})");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task Without_a_key_only_the_health_check_answers()
    {
        foreach (var method in Services.SelectMany(s => s.Methods))
        {
            var (admitted, status) = await TryAsync(null, method);
            Assert.False(admitted, $"{method.FullName} answered {status} without a key");
            Assert.Equal(StatusCode.Unauthenticated, status);
        }
    }

    [Fact]
    public async Task A_key_limited_to_a_higher_court_reads_the_figures_of_every_court_under_it_and_of_no_other()
    {
        var key = await fixture.Instance.CreateKeyAsync(V1.AccessRole.Supervisor, new V1.AccessScope { CourtIds = { "sh-1st-int" } });
        var stats = new V1.StatsService.StatsServiceClient(fixture.Instance.As(key));
        var period = new V1.Period
        {
            From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-7)),
            To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        };
        Task<V1.GetCirculatedReportResponse> ReportAsync(string court) =>
            stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest { CourtId = court, IncludeSubordinate = true, Period = period }).ResponseAsync;

        await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = "sh-1st-int", IncludeSubordinate = true } });
        await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = AuthorizedEngine.Court } });
        Assert.Contains(AuthorizedEngine.Court, (await ReportAsync("sh-1st-int")).CoveredCourtIds);
        var denied = await Assert.ThrowsAsync<RpcException>(() => ReportAsync("sh-chongming"));
        Assert.Equal((StatusCode.PermissionDenied, "court_id: this key reaches only court(s) sh-1st-int"), (denied.StatusCode, denied.Status.Detail));
        await Assert.ThrowsAsync<RpcException>(async () => await stats.GetStatsAsync(new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = "sh-high" } }));
        await Assert.ThrowsAsync<RpcException>(async () => await stats.GetStatsAsync(new V1.GetStatsRequest()));

        // The figures that roll up since (pending filings, hot topics, the knowledge base's) follow the same rule.
        await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { CourtId = "sh-1st-int", IncludeSubordinate = true });
        await stats.GetHotTopicsAsync(new V1.GetHotTopicsRequest { CourtId = "sh-1st-int", IncludeSubordinate = true, Period = period });
        await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { CourtId = AuthorizedEngine.Court, Period = period });
        var elsewhere = await Assert.ThrowsAsync<RpcException>(async () =>
            await stats.GetKnowledgeFiguresAsync(new V1.GetKnowledgeFiguresRequest { CourtId = "sh-high", IncludeSubordinate = true, Period = period }));
        Assert.Equal(StatusCode.PermissionDenied, elsewhere.StatusCode);
        await Assert.ThrowsAsync<RpcException>(async () => await stats.ListPendingFilingsAsync(new V1.ListPendingFilingsRequest { CourtId = "sh-chongming" }));

        // Moved under the intermediate court, a basic court is within the key's reach at once (the tree is the log's).
        var directory = new V1.DirectoryService.DirectoryServiceClient(fixture.Instance.As(fixture[A]));
        var moved = (await directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = "sh-chongming" })).Court;
        moved.ParentCourtId = "sh-1st-int";
        await directory.UpsertCourtAsync(new V1.UpsertCourtRequest { Court = moved });
        Assert.Contains("sh-chongming", (await ReportAsync("sh-chongming")).CoveredCourtIds);
        Assert.Contains("sh-chongming", (await ReportAsync("sh-1st-int")).CoveredCourtIds);
    }

    /// <summary>Calls the method with an empty request (valid protobuf for any message); answers whether the call got
    /// past the gate, and the status.</summary>
    private async Task<(bool Admitted, StatusCode Status)> TryAsync(string? key, MethodDescriptor descriptor)
    {
        var invoker = fixture.Instance.As(key);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10));
        try
        {
            if (descriptor.IsServerStreaming)
            {
                var method = new Method<byte[], byte[]>(MethodType.ServerStreaming, descriptor.Service.FullName, descriptor.Name, Bytes, Bytes);
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                using var call = invoker.AsyncServerStreamingCall(method, null, options.WithCancellationToken(cancel.Token), []);
                await call.ResponseStream.MoveNext(cancel.Token);
            }
            else
            {
                var method = new Method<byte[], byte[]>(MethodType.Unary, descriptor.Service.FullName, descriptor.Name, Bytes, Bytes);
                await invoker.AsyncUnaryCall(method, null, options, []);
            }

            return (true, StatusCode.OK);
        }
        catch (RpcException ex)
        {
            // A refusal by the role gate names the role; a scope refusal further in (a court the key does not reach)
            // means the call got past the gate.
            var gate = ex.StatusCode == StatusCode.Unauthenticated
                || (ex.StatusCode == StatusCode.PermissionDenied && ex.Status.Detail.StartsWith("a key with role", StringComparison.Ordinal));
            return (!gate, ex.StatusCode);
        }
    }

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
}
