using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>What the seed requests refer to: a court of the sample directory, two of its judges, a case and a ticket
/// held by the first judge, and the engine's (frozen) time.</summary>
public sealed record FuzzWorld(string Court, string Judge, string OtherJudge, string CaseNumber, string TicketId, DateTimeOffset Now);

/// <summary>
/// One well-formed request per rpc of engine.v1, for the fuzz tests to vary. The rpcs are found in the generated
/// descriptors, so a new one has no seed until one is written here, and the fuzz tests say so.
/// </summary>
public static class FuzzSeeds
{
    private static readonly Dictionary<string, Func<FuzzWorld, IMessage>> Seeds = new(StringComparer.Ordinal)
    {
        ["engine.v1.IntakeService.SubmitTicket"] = Submission,
        ["engine.v1.IntakeService.SubmitTickets"] = w => new V1.SubmitTicketsRequest { Tickets = { Submission(w) } },

        ["engine.v1.TicketService.GetTicket"] = w => new V1.GetTicketRequest { TicketId = w.TicketId },
        ["engine.v1.TicketService.ListTickets"] = w => new V1.ListTicketsRequest
        {
            Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = w.Judge, CourtId = w.Court },
            CourtId = w.Court, CaseNumber = w.CaseNumber, State = V1.TicketState.Dispatched, Kind = V1.TicketKind.ContactJudge,
            PageSize = 10, Order = V1.SortOrder.NewestFirst,
        },
        ["engine.v1.TicketService.AnswerOnSpot"] = w => new V1.AnswerOnSpotRequest { TicketId = w.TicketId, StaffId = "staff-1", Answer = "已答复" },
        ["engine.v1.TicketService.Dispatch"] = w => new V1.DispatchRequest
        {
            TicketId = w.TicketId, StaffId = "staff-1", Reason = "分派",
            Assignee = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = w.OtherJudge, CourtId = w.Court },
        },
        ["engine.v1.TicketService.Accept"] = w => new V1.AcceptRequest { TicketId = w.TicketId, Actor = w.Judge },
        ["engine.v1.TicketService.Reply"] = w => new V1.ReplyRequest { TicketId = w.TicketId, Actor = w.Judge, Reply = "已回复" },
        ["engine.v1.TicketService.Transfer"] = w => new V1.TransferRequest
        {
            TicketId = w.TicketId, Actor = w.Judge, Reason = "转办",
            To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = w.OtherJudge, CourtId = w.Court },
        },
        ["engine.v1.TicketService.ReturnToPlatform"] = w => new V1.ReturnToPlatformRequest { TicketId = w.TicketId, Actor = w.Judge, Reason = "非本人案件" },
        ["engine.v1.TicketService.Close"] = w => new V1.CloseRequest { TicketId = w.TicketId, Actor = w.Judge, Note = "办结" },
        ["engine.v1.TicketService.Reopen"] = w => new V1.ReopenRequest { TicketId = w.TicketId, Actor = "staff-1", Reason = "当事人不满意" },
        ["engine.v1.TicketService.Cancel"] = w => new V1.CancelRequest { TicketId = w.TicketId, Actor = "staff-1", Reason = "重复" },
        ["engine.v1.TicketService.PauseClock"] = w => new V1.PauseClockRequest { TicketId = w.TicketId, Actor = w.Judge, Reason = "等待材料" },
        ["engine.v1.TicketService.ResumeClock"] = w => new V1.ResumeClockRequest { TicketId = w.TicketId, Actor = w.Judge },
        ["engine.v1.TicketService.ExtendDeadline"] = w => new V1.ExtendDeadlineRequest
        {
            TicketId = w.TicketId, Actor = w.Judge, Approver = SampleDirectory.VicePresidentId(w.Court), Reason = "案情复杂",
            NewReplyDeadline = Timestamp.FromDateTimeOffset(w.Now.AddDays(10)),
        },
        ["engine.v1.TicketService.RecordCallback"] = w => new V1.RecordCallbackRequest
        {
            TicketId = w.TicketId, Actor = "staff-1", ServiceSatisfaction = V1.Satisfaction.Satisfied,
            ResultSatisfaction = V1.Satisfaction.Dissatisfied, Note = "回访",
        },
        ["engine.v1.TicketService.Rate"] = w => new V1.RateRequest
        {
            TicketId = w.TicketId, Actor = "hall-adapter", Source = V1.RatingSource.HallEvaluator, Rater = "evaluator-1",
            ServiceSatisfaction = V1.Satisfaction.Satisfied, ResultSatisfaction = V1.Satisfaction.Dissatisfied, Comment = "评价", WindowId = "window-1",
        },
        ["engine.v1.TicketService.RecordFilingDecision"] = w => new V1.RecordFilingDecisionRequest
        {
            TicketId = w.TicketId, Actor = w.Judge, Outcome = V1.FilingOutcome.Refused, Reason = "不属于本院管辖",
        },

        ["engine.v1.CaseService.UpsertCase"] = w =>
        {
            var request = Requests.Case(w.CaseNumber, w.Court, "civil-1", w.Judge);

            // Keeps the password: hashing one costs ~80 ms, and only the mutations of this field need it.
            request.ServicePassword = string.Empty;
            request.Case.RelatedCases.Add("(2024)沪0115民初1号");
            request.Case.Nodes.Add(Node(w));
            return request;
        },
        ["engine.v1.CaseService.GetCase"] = w => new V1.GetCaseRequest { CaseNumber = w.CaseNumber },
        ["engine.v1.CaseService.AssignJudge"] = w => new V1.AssignJudgeRequest { CaseNumber = w.CaseNumber, JudgeId = w.OtherJudge, Actor = "case-management", Reason = "调整" },
        ["engine.v1.CaseService.MoveCase"] = w => new V1.MoveCaseRequest
        {
            CaseNumber = w.CaseNumber, ToCourtId = "sh-1st-int", ToCaseNumber = "(2025)沪01民终1号", Reason = "上诉", Actor = "case-management",
        },
        ["engine.v1.CaseService.RecordNode"] = w => new V1.RecordNodeRequest { CaseNumber = w.CaseNumber, Node = Node(w), Actor = "case-management" },
        ["engine.v1.CaseService.LookupCase"] = w => new V1.LookupCaseRequest { CaseNumber = w.CaseNumber, Phone = Requests.FakePhone, ServicePassword = "test-password-1" },
        ["engine.v1.CaseService.LiftLookupLockout"] = w => new V1.LiftLookupLockoutRequest { CaseNumber = w.CaseNumber, Phone = Requests.FakePhone, Reason = "当事人来电，已核实身份" },
        ["engine.v1.CaseService.ListCaseTickets"] = w => new V1.ListCaseTicketsRequest { CaseNumber = w.CaseNumber, PageSize = 10 },
        ["engine.v1.CaseService.RequestLookupCode"] = w => new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone, CourtId = w.Court, CaseNumber = w.CaseNumber },
        ["engine.v1.CaseService.LookupMyTickets"] = w => new V1.LookupMyTicketsRequest
        {
            Phone = Requests.FakePhone, CasePassword = new V1.CasePasswordProof { CaseNumber = w.CaseNumber, ServicePassword = "test-password-1" }, PageSize = 5,
        },

        ["engine.v1.DirectoryService.UpsertCourt"] = w => new V1.UpsertCourtRequest
        {
            Court = new V1.Court
            {
                CourtId = "fuzz-court", Name = "测试法院", ShortName = "测试", Level = V1.CourtLevel.Basic, ParentCourtId = "sh-1st-int",
                FilingDivisionId = "filing", ServiceOfficeId = "service-office", SubPlatformId = "fuzz-court/platform", HotlineShare = 0.01,
            },
        },
        ["engine.v1.DirectoryService.UpsertDivision"] = w => new V1.UpsertDivisionRequest { Division = Division(w.Court, "fuzz-division") },
        ["engine.v1.DirectoryService.UpsertJudge"] = w => new V1.UpsertJudgeRequest { Judge = Judge(w, "fuzz-judge") },
        ["engine.v1.DirectoryService.SetAvailability"] = w => new V1.SetAvailabilityRequest { JudgeId = w.OtherJudge, Availability = Leave(w) },
        ["engine.v1.DirectoryService.ImportDirectory"] = w => new V1.ImportDirectoryRequest
        {
            DivisionTemplate = { new V1.ImportDivisionTemplate { Id = "civil-1", Name = "民一庭", Role = V1.DivisionRole.Trial } },
            Courts =
            {
                new V1.ImportCourt
                {
                    Id = "fuzz-import", Name = "导入法院", Short = "导入", Level = V1.CourtLevel.Basic, Parent = "sh-1st-int", HotlineShare = 0.01,
                    Divisions =
                    {
                        new V1.ImportDivision
                        {
                            DivisionId = "civil-1", Name = "测试庭", Role = V1.DivisionRole.Trial,
                            HeadJudgeId = SampleDirectory.HeadId("fuzz-import", "civil-1"), VicePresidentId = SampleDirectory.VicePresidentId("fuzz-import"),
                        },
                    },
                },
            },
            Judges =
            {
                new V1.ImportJudge { JudgeId = "fuzz-imported-judge", Name = "测试法官", CourtId = w.Court, DivisionId = "civil-1", Role = V1.JudgeRole.Judge },
            },
        },
        ["engine.v1.DirectoryService.GetCourt"] = w => new V1.GetCourtRequest { CourtId = w.Court },
        ["engine.v1.DirectoryService.GetJudge"] = w => new V1.GetJudgeRequest { JudgeId = w.Judge },
        ["engine.v1.DirectoryService.SetRoutingRules"] = w => new V1.SetRoutingRulesRequest
        {
            CourtId = "fuzz-court",
            Rules =
            {
                new V1.RoutingRule
                {
                    RuleId = "fuzz-rule", Kind = V1.TicketKind.Suggestion, SubKind = V1.TicketSubKind.SuggestionOpinion,
                    CaseDivisionId = "civil-1", TargetType = V1.AssigneeType.Office, TargetId = "service-office",
                },
            },
        },

        ["engine.v1.EventService.Subscribe"] = w => new V1.SubscribeRequest
        {
            FromSequence = 1,
            Filter = new V1.EventFilter { EventTypes = { "ticket.received" }, CourtIds = { w.Court }, Kinds = { V1.TicketKind.ContactJudge } },
            MemberIndex = 0, MemberCount = 1,
        },
        ["engine.v1.EventService.CommitCursor"] = w => new V1.CommitCursorRequest { Subscription = "fuzz", Sequence = 1, MemberIndex = 0 },
        ["engine.v1.EventService.GetCursor"] = w => new V1.GetCursorRequest { Subscription = "fuzz", MemberIndex = 0 },

        ["engine.v1.StatsService.GetStats"] = w => new V1.GetStatsRequest
        {
            Scope = Scope(w), Period = Period(w), GroupBy = { V1.StatsGroupBy.Court, V1.StatsGroupBy.Day },
        },
        ["engine.v1.StatsService.GetHotTopics"] = w => new V1.GetHotTopicsRequest { CourtId = w.Court, Period = Period(w), Limit = 5, IncludeSubordinate = true },
        ["engine.v1.StatsService.ListOverdue"] = w => new V1.ListOverdueRequest { Scope = Scope(w), PageSize = 10 },
        ["engine.v1.StatsService.RebuildStats"] = w => new V1.RebuildStatsRequest(),
        ["engine.v1.StatsService.GetSatisfaction"] = w => new V1.GetSatisfactionRequest
        {
            CourtId = w.Court, Period = Period(w), Subject = V1.RatedSubject.PlatformAgent, Limit = 10,
        },
        ["engine.v1.StatsService.ListPendingFilings"] = w => new V1.ListPendingFilingsRequest { CourtId = w.Court, PageSize = 10, IncludeSubordinate = true },
        ["engine.v1.StatsService.GetKnowledgeFigures"] = w => new V1.GetKnowledgeFiguresRequest { CourtId = w.Court, Period = Period(w), Limit = 5, IncludeSubordinate = true },
        ["engine.v1.StatsService.GetCirculatedReport"] = w => new V1.GetCirculatedReportRequest
        {
            CourtId = w.Court, IncludeSubordinate = true, Period = Period(w), PageSize = 10,
        },

        ["engine.v1.AccessService.CreateApiKey"] = w => new V1.CreateApiKeyRequest
        {
            Name = "fuzz-staff", Role = V1.AccessRole.CourtStaff, Scope = new V1.AccessScope { CourtIds = { w.Court }, PersonalData = true },
            ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)), RatePerSecond = 100,
            CertificateSha256 = new string('a', 64),
        },
        ["engine.v1.AccessService.RevokeApiKey"] = w => new V1.RevokeApiKeyRequest { KeyId = "0123456789AB" },
        ["engine.v1.AccessService.ListApiKeys"] = w => new V1.ListApiKeysRequest { IncludeRevoked = true },
        ["engine.v1.AccessService.ListAuditLog"] = w => new V1.ListAuditLogRequest { BeforeId = 1000, PageSize = 10 },
        ["engine.v1.AccessService.WhoAmI"] = w => new V1.WhoAmIRequest(),

        ["engine.v1.CalendarService.PutCalendar"] = w => new V1.PutCalendarRequest
        {
            Calendar = new V1.WorkingCalendar
            {
                Year = 2027, About = "fuzz calendar",
                Holidays = { new V1.HolidayPeriod { Name = "元旦", From = "2027-01-01", To = "2027-01-03" }, new V1.HolidayPeriod { Name = "春节", From = "2027-02-05", To = "2027-02-11" } },
                Workdays = { "2027-02-13", "2027-02-14" },
            },
        },
        ["engine.v1.CalendarService.GetCalendar"] = w => new V1.GetCalendarRequest { Year = 2026 },
        ["engine.v1.CalendarService.ListCalendars"] = w => new V1.ListCalendarsRequest(),

        ["engine.v1.KnowledgeService.CreateEntry"] = w => new V1.CreateEntryRequest { EntryId = "kb-fuzz-001", Content = KnowledgeContent(w) },
        ["engine.v1.KnowledgeService.UpdateEntry"] = w => new V1.UpdateEntryRequest { EntryId = "kb-fuzz-001", ExpectedVersion = 1, Content = KnowledgeContent(w) },
        ["engine.v1.KnowledgeService.RetireEntry"] = w => new V1.RetireEntryRequest { EntryId = "kb-fuzz-001", ExpectedVersion = 1, Reason = "已过时" },
        ["engine.v1.KnowledgeService.GetEntry"] = w => new V1.GetEntryRequest { EntryId = "kb-fuzz-001" },
        ["engine.v1.KnowledgeService.ListEntries"] = w => new V1.ListEntriesRequest
        {
            CourtId = w.Court, Kind = V1.TicketKind.Consultation, Tag = "立案", Retired = V1.RetiredFilter.Include, PageSize = 10,
        },
        ["engine.v1.KnowledgeService.ImportEntries"] = w => new V1.ImportEntriesRequest
        {
            Json = """{ "format": "engine.knowledge/1", "entries": [ { "id": "kb-fuzz-002", "question": "诉讼费怎么交？", "answer": "网上缴纳。", "kinds": ["CONSULTATION"] } ] }""",
        },
        ["engine.v1.KnowledgeService.ExportEntries"] = w => new V1.ExportEntriesRequest { CourtId = w.Court },
        ["engine.v1.KnowledgeService.SearchKnowledge"] = w => new V1.SearchKnowledgeRequest { Text = "网上立案要什么材料", CourtId = w.Court, Kind = V1.TicketKind.Consultation, Top = 5 },
        ["engine.v1.KnowledgeService.SuggestAnswers"] = w => new V1.SuggestAnswersRequest { TicketId = w.TicketId, Top = 3 },
        ["engine.v1.KnowledgeService.PublicSearch"] = w => new V1.PublicSearchRequest { Text = "网上立案要什么材料", CourtId = w.Court, Channel = V1.Channel.Web, Top = 3 },
    };

    private static V1.KnowledgeContent KnowledgeContent(FuzzWorld w) => new()
    {
        Question = "网上立案需要准备哪些材料？", Variants = { "网上起诉要交什么材料" }, Answer = "起诉状、身份证明和证据材料。",
        Kinds = { V1.TicketKind.Consultation }, SubKinds = { V1.TicketSubKind.ConsultationProcedure }, Tags = { "立案" },
        CourtId = w.Court, EffectiveFrom = "2026-01-01", EffectiveTo = "2027-12-31", Author = "fuzz",
    };

    /// <summary>The rpcs of every engine.v1 service, from the descriptors generated into the contracts.</summary>
    public static IReadOnlyList<MethodDescriptor> EngineMethods { get; } =
    [
        .. typeof(V1.Ticket).Assembly.GetTypes()
            .Where(t => t.Namespace == "Engine.V1" && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => (FileDescriptor)t.GetProperty("Descriptor")!.GetValue(null)!)
            .Where(f => f.Package == "engine.v1")
            .SelectMany(f => f.Services)
            .SelectMany(s => s.Methods)
            .OrderBy(m => m.FullName, StringComparer.Ordinal),
    ];

    /// <summary>The seed of <paramref name="method"/>, or null when none was written.</summary>
    public static IMessage? For(MethodDescriptor method, FuzzWorld world) =>
        Seeds.TryGetValue(method.FullName, out var seed) ? seed(world) : null;

    private static V1.SubmitTicketRequest Submission(FuzzWorld w)
    {
        var request = Requests.ContactJudge(w.CaseNumber);
        request.Priority = V1.Priority.Normal;
        request.Attachments.Add("https://files.example/a1.pdf");
        return request;
    }

    private static V1.CaseNode Node(FuzzWorld w) => new()
    {
        Type = V1.CaseNodeType.HearingScheduled, At = Timestamp.FromDateTimeOffset(w.Now.AddDays(3)), Detail = "开庭", Public = true,
    };

    private static V1.Division Division(string court, string id) => new()
    {
        CourtId = court, DivisionId = id, Name = "测试庭", Role = V1.DivisionRole.Trial,
        HeadJudgeId = SampleDirectory.HeadId(court, "civil-1"), VicePresidentId = SampleDirectory.VicePresidentId(court),
    };

    private static V1.Judge Judge(FuzzWorld w, string id) => new()
    {
        JudgeId = id, Name = "测试法官", CourtId = w.Court, DivisionId = "civil-1", Role = V1.JudgeRole.Judge, Availability = Leave(w),
    };

    private static V1.Availability Leave(FuzzWorld w) => new()
    {
        LeaveFrom = Timestamp.FromDateTimeOffset(w.Now.AddDays(30)), LeaveTo = Timestamp.FromDateTimeOffset(w.Now.AddDays(40)),
        DelegateJudgeId = w.Judge,
    };

    private static V1.StatsScope Scope(FuzzWorld w) => new() { CourtId = w.Court, DivisionId = "civil-1", JudgeId = w.Judge };

    private static V1.Period Period(FuzzWorld w) => new()
    {
        From = Timestamp.FromDateTimeOffset(w.Now.AddDays(-30)), To = Timestamp.FromDateTimeOffset(w.Now.AddDays(1)),
    };
}
