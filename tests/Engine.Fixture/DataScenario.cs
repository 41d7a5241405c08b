using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Domain;
using Engine.Silo;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Fixture;

/// <summary>
/// Drives an engine of this build, on a fake clock, through what a court does in a week before a year end
/// (2026-12-21 to 2026-12-28), so that its data directory holds every kind of stored thing: the directory with a
/// head set through the API and a leave to come, cases with nodes and service passwords, tickets in every state
/// (merged, reopened, transferred, returned, paused, extended, called back), steps fired and pending, clocks whose
/// ladder reaches into a year without a calendar, API keys, named subscriptions with cursors, and statistics.
/// It then stops the engine and writes what a later build must still answer (<see cref="Expected"/>) beside the data.
/// </summary>
public static class DataScenario
{
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    public static readonly DateTimeOffset Start = new(2026, 12, 21, 9, 0, 0, Shanghai);

    /// <summary>Two courts' people are enough; the other sample courts come without them.</summary>
    public static readonly string[] CourtsWithPeople = ["sh-pudong", "sh-xuhui"];

    public const string Court = "sh-pudong";
    public const string Password = "fixture-pass-1";
    public const string PartyPhone = "13800000001";

    /// <summary>The settings the data was written with; a later build opens it with the same.</summary>
    public static readonly string[] Settings = ["--Engine:Security:Authentication=Required", "--Engine:Tickets:CallbackShare=1"];

    /// <summary>What an embedded engine keeps in its data directory, beside the admin key it wrote.</summary>
    public static readonly string[] SqliteFiles = ["engine.db", "stats.db"];

    public static string Judge(string division, int n) => SampleDirectory.JudgeId(Court, division, n);

    public static string CaseNumber(int n) => $"(2026)沪0115民初{n}号";

    public static async Task RunAsync(string output, string[] engineArgs)
    {
        Directory.CreateDirectory(output);
        var data = Path.Combine(Path.GetTempPath(), $"engine-fixture-{Environment.ProcessId}");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        var clock = new FakeTimeProvider(Start);
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort()).ToArray();
        string[] args =
        [
            "--grpc", $"127.0.0.1:{ports[0]}", "--dashboard", "", "--silo-port", $"{ports[1]}", "--gateway-port", $"{ports[2]}",
            "--data", data, .. Settings, .. engineArgs,
        ];
        var app = EngineHost.Build(args, services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock));
        await EngineHost.StartAsync(app);
        var expected = new JsonObject { ["stoppedAt"] = null };
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[0]}");
            var admin = (await File.ReadAllTextAsync(Path.Combine(data, "admin.key"))).Trim();
            var scenario = new Week(channel.Intercept(m =>
            {
                m.Add("authorization", "Bearer " + admin);
                return m;
            }), clock, expected);
            await scenario.RunAsync(output);
            expected["keys"]!["admin"] = admin;
            expected["stoppedAt"] = clock.GetUtcNow().ToString("O");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        CopySqlite(data, output);
        expected["settings"] = new JsonArray([.. Settings.Select(s => JsonValue.Create(s))]);
        await File.WriteAllTextAsync(Path.Combine(output, "expected.json"), expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Directory.Delete(data, recursive: true);
        Console.WriteLine($"fixture written to {output}");
    }

    /// <summary>The SQLite files with their logs folded in (nothing else: no admin.key, no -wal).</summary>
    private static void CopySqlite(string data, string output)
    {
        foreach (var file in SqliteFiles.Select(f => Path.Combine(data, f)).Where(File.Exists))
        {
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
                command.ExecuteNonQuery();
            }

            File.Copy(file, Path.Combine(output, Path.GetFileName(file)), overwrite: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The week itself.</summary>
    private sealed class Week(CallInvoker calls, FakeTimeProvider clock, JsonObject expected)
    {
        private readonly V1.IntakeService.IntakeServiceClient _intake = new(calls);
        private readonly V1.TicketService.TicketServiceClient _tickets = new(calls);
        private readonly V1.CaseService.CaseServiceClient _cases = new(calls);
        private readonly V1.DirectoryService.DirectoryServiceClient _directory = new(calls);
        private readonly V1.EventService.EventServiceClient _events = new(calls);
        private readonly V1.StatsService.StatsServiceClient _stats = new(calls);
        private readonly V1.AccessService.AccessServiceClient _access = new(calls);
        private readonly Dictionary<string, string> _names = [];
        private int _keys;

        public async Task RunAsync(string output)
        {
            var directoryJson = SampleDirectory.ForCourts(CourtsWithPeople);
            await File.WriteAllTextAsync(Path.Combine(output, "directory.json"), directoryJson);
            await _directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = directoryJson });

            // Set through the API after the import: a later re-import of the same file must keep it.
            await _directory.UpsertDivisionAsync(new V1.UpsertDivisionRequest
            {
                Division = new V1.Division
                {
                    CourtId = Court, DivisionId = "civil-1", Name = "民事审判第一庭", Role = V1.DivisionRole.Trial,
                    HeadJudgeId = Judge("civil-1", 2), VicePresidentId = SampleDirectory.VicePresidentId(Court),
                },
            });
            await _directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest
            {
                JudgeId = Judge("civil-2", 1),
                Availability = new V1.Availability
                {
                    LeaveFrom = Timestamp.FromDateTimeOffset(new DateTimeOffset(2027, 1, 4, 0, 0, 0, Shanghai)),
                    LeaveTo = Timestamp.FromDateTimeOffset(new DateTimeOffset(2027, 1, 9, 0, 0, 0, Shanghai)),
                    DelegateJudgeId = Judge("civil-2", 2),
                },
            });

            await CaseAsync(1, "civil-1", Judge("civil-1", 1));
            await CaseAsync(2, "civil-2", Judge("civil-2", 1));
            await _cases.RecordNodeAsync(new V1.RecordNodeRequest
            {
                CaseNumber = CaseNumber(1), Actor = "case-system",
                Node = new V1.CaseNode { Type = V1.CaseNodeType.HearingScheduled, At = Now(), Detail = "第一法庭", Public = true },
            });
            await _cases.RecordNodeAsync(new V1.RecordNodeRequest
            {
                CaseNumber = CaseNumber(1), Actor = "case-system",
                Node = new V1.CaseNode { Type = V1.CaseNodeType.Other, At = Now(), Detail = "内部节点", Public = false },
            });

            var keys = new JsonObject
            {
                ["channel"] = await KeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Wechat } }),
                ["subscriber"] = await KeyAsync(V1.AccessRole.Subscriber, new V1.AccessScope()),
                ["judge"] = await KeyAsync(V1.AccessRole.Judge, new V1.AccessScope { JudgeId = Judge("civil-1", 1) }),
            };
            expected["keys"] = keys;

            await MondayAsync();
            await AdvanceToAsync(new DateTimeOffset(2026, 12, 22, 10, 0, 0, Shanghai));
            await FiredAsync("dispatched", 2);
            await SubmitAsync("suggestion-year-end", V1.TicketKind.Suggestion, V1.TicketSubKind.SuggestionComplaint, caseNumber: null, phone: "13800000031");

            await AdvanceToAsync(new DateTimeOffset(2026, 12, 24, 9, 0, 0, Shanghai));
            await SubmitAsync("pending", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactProgressInquiry, CaseNumber(1), phone: "13800000032");
            await SubmitAsync("filing-year-end", V1.TicketKind.OnlineFiling, V1.TicketSubKind.Unspecified, caseNumber: null, phone: "13800000033");

            await AdvanceToAsync(new DateTimeOffset(2026, 12, 28, 10, 0, 0, Shanghai));
            await FiredAsync("pending", 3);
            await SubmitAsync("contact-year-end", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactUrge, CaseNumber(2), phone: "13800000034");

            var cursors = new JsonObject();
            foreach (var (name, sequence) in new[] { ("sms-sender", 10L), ("warehouse", 25L) })
            {
                await _events.CommitCursorAsync(new V1.CommitCursorRequest { Subscription = name, Sequence = sequence });
                cursors[name] = sequence;
            }

            expected["cursors"] = cursors;
            await RecordAsync();
        }

        /// <summary>Monday 21 December, 09:00: a ticket for each state a ticket can be left in.</summary>
        private async Task MondayAsync()
        {
            var c1 = CaseNumber(1);
            var dispatched = await SubmitAsync("dispatched", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactProgressInquiry, CaseNumber(2), "13800000010");
            await SubmitAsync("merged", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactProgressInquiry, CaseNumber(2), "13800000010");

            var accepted = await SubmitAsync("accepted", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactInformation, c1, "13800000011");
            await _tickets.AcceptAsync(new V1.AcceptRequest { TicketId = accepted, Actor = Judge("civil-1", 1) });

            var replied = await SubmitAsync("replied", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactReportSituation, c1, "13800000012");
            await _tickets.ReplyAsync(new V1.ReplyRequest { TicketId = replied, Actor = Judge("civil-1", 1), Reply = "已收到，将尽快处理" });

            var closed = await SubmitAsync("closed", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, c1, "13800000013");
            await _tickets.ReplyAsync(new V1.ReplyRequest { TicketId = closed, Actor = Judge("civil-1", 1), Reply = "已排期" });
            var afterClose = (await _tickets.CloseAsync(new V1.CloseRequest { TicketId = closed, Actor = "staff-01", Note = "已告知" })).Ticket;
            var callback = await CallbackOfAsync(afterClose.TicketId);
            _names["callback-recorded"] = callback;
            await _tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
            {
                TicketId = callback, Actor = "staff-02", ServiceSatisfaction = V1.Satisfaction.Satisfied, ResultSatisfaction = V1.Satisfaction.BasicallySatisfied, Note = "满意",
            });

            var returned = await SubmitAsync("returned", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, c1, "13800000014");
            await _tickets.ReturnToPlatformAsync(new V1.ReturnToPlatformRequest { TicketId = returned, Actor = Judge("civil-1", 1), Reason = "非本庭案件" });

            var transferred = await SubmitAsync("transferred", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, c1, "13800000015");
            await _tickets.TransferAsync(new V1.TransferRequest
            {
                TicketId = transferred, Actor = Judge("civil-1", 1), Reason = "合议庭成员负责",
                To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge("civil-1", 2), CourtId = Court },
            });

            var cancelled = await SubmitAsync("cancelled", V1.TicketKind.Suggestion, V1.TicketSubKind.SuggestionOpinion, null, "13800000016");
            await _tickets.CancelAsync(new V1.CancelRequest { TicketId = cancelled, Actor = "staff-01", Reason = "来电人撤回" });

            var reopened = await SubmitAsync("reopened", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactOther, c1, "13800000017");
            await _tickets.ReplyAsync(new V1.ReplyRequest { TicketId = reopened, Actor = Judge("civil-1", 1), Reply = "已答复" });
            await _tickets.CloseAsync(new V1.CloseRequest { TicketId = reopened, Actor = "staff-01" });
            await _tickets.ReopenAsync(new V1.ReopenRequest { TicketId = reopened, Actor = "staff-01", Reason = "来电人不满意" });

            var paused = await SubmitAsync("paused", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactMaterialReceipt, c1, "13800000018");
            await _tickets.PauseClockAsync(new V1.PauseClockRequest { TicketId = paused, Actor = Judge("civil-1", 1), Reason = "待当事人补充材料" });

            var extended = await SubmitAsync("extended", V1.TicketKind.ContactJudge, V1.TicketSubKind.ContactUrge, c1, "13800000019");
            await _tickets.ExtendDeadlineAsync(new V1.ExtendDeadlineRequest
            {
                TicketId = extended, Actor = "staff-01", Approver = SampleDirectory.HeadId(Court, "civil-1"), Reason = "需调阅卷宗",
                NewReplyDeadline = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 24, 17, 0, 0, Shanghai)),
            });

            var answered = await SubmitAsync("answered-on-spot", V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, null, "13800000020");
            await _tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = answered, StaffId = "staff-01", Answer = "可通过网上立案提交" });

            await SubmitAsync("triage", V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationOther, null, "13800000021", court: "");
            await SubmitAsync("inquiry", V1.TicketKind.CaseInquiry, V1.TicketSubKind.InquiryCaseProgress, c1, "13800000022");
            await SubmitAsync("online-matter", V1.TicketKind.OnlineMatter, V1.TicketSubKind.Unspecified, c1, "13800000023");
            _ = dispatched;
        }

        private async Task<string> SubmitAsync(string name, V1.TicketKind kind, V1.TicketSubKind subKind, string? caseNumber, string phone, string court = Court)
        {
            var answer = await _intake.SubmitTicketAsync(new V1.SubmitTicketRequest
            {
                IdempotencyKey = "fixture-" + name,
                Channel = V1.Channel.Wechat,
                Kind = kind,
                SubKind = subKind,
                CourtId = caseNumber is null ? court : "",
                CaseNumber = caseNumber ?? "",
                Caller = new V1.Caller { Name = "测试 来电人", Phone = phone, Role = V1.CallerRole.Party },
                Content = $"fixture: {name}",
            });
            _names[name] = answer.Ticket.TicketId;
            return answer.Ticket.TicketId;
        }

        private async Task CaseAsync(int n, string division, string judge) => await _cases.UpsertCaseAsync(new V1.UpsertCaseRequest
        {
            Actor = "case-system",
            ServicePassword = Password,
            Case = new V1.Case
            {
                CaseNumber = CaseNumber(n), CourtId = Court, DivisionId = division, PresidingJudgeId = judge,
                Parties = { new V1.Party { Name = "原告 测试", Role = V1.PartyRole.Plaintiff, Phone = PartyPhone } },
            },
        });

        private async Task<string> KeyAsync(V1.AccessRole role, V1.AccessScope scope) =>
            (await _access.CreateApiKeyAsync(new V1.CreateApiKeyRequest { Name = $"fixture-{++_keys}", Role = role, Scope = scope })).Secret;

        private async Task<string> CallbackOfAsync(string ticketId)
        {
            var page = await _tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = Court, Kind = V1.TicketKind.Callback, PageSize = 500 });
            return page.Tickets.Single(t => t.CallbackOf == ticketId).TicketId;
        }

        private async Task AdvanceToAsync(DateTimeOffset at)
        {
            clock.SetUtcNow(at);
            await Task.Yield();
        }

        /// <summary>Waits (on the real clock: the shards poll on it) until <paramref name="count"/> steps of the ticket fired.</summary>
        private async Task FiredAsync(string name, int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var ticket = await GetAsync(_names[name]);
                if (ticket.Deadlines.Count(d => d.FiredAt is not null) >= count)
                {
                    return;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"ticket {name} fired {ticket.Deadlines.Count(d => d.FiredAt is not null)} steps, not {count}");
                }

                await Task.Delay(100);
            }
        }

        private async Task<V1.Ticket> GetAsync(string id) => (await _tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = id })).Ticket;

        /// <summary>What a later build must answer the same: every ticket, the look-up, the court, the statistics.</summary>
        private async Task RecordAsync()
        {
            var tickets = new JsonObject();
            foreach (var (name, id) in _names.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                tickets[name] = Json(await GetAsync(id));
            }

            // And the tickets the engine made itself (callbacks of the closed ones).
            var named = _names.Values.ToHashSet(StringComparer.Ordinal);
            var all = await _tickets.ListTicketsAsync(new V1.ListTicketsRequest { CourtId = Court, PageSize = 500, Order = V1.SortOrder.OldestFirst });
            foreach (var other in all.Tickets.Where(t => !named.Contains(t.TicketId)))
            {
                tickets["made-by-engine-" + other.TicketId] = Json(other);
            }

            expected["tickets"] = tickets;
            expected["lookup"] = new JsonObject
            {
                ["caseNumber"] = CaseNumber(1),
                ["phone"] = PartyPhone,
                ["password"] = Password,
                ["answer"] = Json(await _cases.LookupCaseAsync(new V1.LookupCaseRequest { CaseNumber = CaseNumber(1), Phone = PartyPhone, ServicePassword = Password })),
            };
            expected["court"] = Json(await _directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = Court }));

            // Statistics answer as of the log's head (they catch up before answering).
            var request = new V1.GetStatsRequest { Scope = new V1.StatsScope { CourtId = Court }, GroupBy = { V1.StatsGroupBy.Kind } };
            expected["statsRequest"] = Json(request);
            expected["stats"] = Json(await _stats.GetStatsAsync(request));
        }

        private static Timestamp Now() => Timestamp.FromDateTimeOffset(Start);

        private static JsonNode Json(IMessage message) => JsonNode.Parse(JsonFormatter.Default.Format(message))!;
    }
}
