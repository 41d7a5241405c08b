using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Domain.Routing;
using Engine.Grains.Cases;
using Engine.Grains.Directory;
using Engine.Grains.Security;
using Engine.Storage.Events;
using Orleans.Serialization;

namespace Engine.Fixture;

/// <summary>
/// One value of every type the engine stores in Orleans' binary form (the ticket row's payload, the grain states of
/// courts, cases and look-up guards, the outbox rows inside them), every member set to something other than its
/// default, so that a member that moved or lost its id reads back as a different value. The golden bytes under
/// tests/Engine.Tests/Upgrade/golden/ were written from these by the build their folder names.
/// </summary>
public static class StoredSamples
{
    private static readonly DateTimeOffset At = new(2026, 12, 28, 9, 30, 0, TimeSpan.FromHours(8));

    /// <summary>The stored roots, each written and read as its own type, as storage does.</summary>
    public static IReadOnlyList<StoredSample> All { get; } =
    [
        StoredSample.Of("TicketRecord", Ticket()),
        StoredSample.Of("CourtState", Court()),
        StoredSample.Of("CaseState", Case()),
        StoredSample.Of("LookupGuardState", new LookupGuardState { Failures = 4, LockedUntil = At.AddMinutes(15), Lockouts = 2, RefusedWhileLocked = 7 }),
        StoredSample.Of("EventRow", Event(7)),
    ];

    private static EventRow Event(long version) =>
        new("sh-pudong", version, 2, "directory.court_upserted", At, "directory", "sh-pudong", TicketKind.Suggestion, [1, 2, 3, 250]);

    private static TicketRecord Ticket()
    {
        var judge = new Assignee(AssigneeType.Judge, "sh-pudong/civil-1/1", "sh-pudong");
        var clock = new DeadlineClock(
            3, ClockCause.Transferred, At, At.AddDays(1), CountsWorkingTime: true,
            [new PendingStep(DeadlineStep.Supervision, At.AddDays(2)), new PendingStep(DeadlineStep.SpecialSupervision, At.AddDays(4))],
            PausedAt: At.AddHours(2), StoppedAt: At.AddHours(3), Problem: "a sample problem");
        var taken = new TakenStep(2, DeadlineStep.Urging, At.AddHours(-5), At.AddHours(-4),
            [new Recipient(RecipientRole.DivisionHead, "sh-pudong/civil-1/head"), new Recipient(RecipientRole.VicePresident, "sh-pudong/vice-president")]);
        var extension = new DeadlineExtension(3, At.AddMinutes(5), "staff-1", "head-1", "need a site visit", At, At.AddDays(1));
        return new TicketRecord
        {
            TicketId = "T0000000000001-0001",
            Version = 12,
            IdempotencyKey = "fixture-key-1",
            Channel = Channel.WeChat,
            Kind = TicketKind.ContactJudge,
            SubKind = TicketSubKind.ContactProgressInquiry,
            CourtId = "sh-pudong",
            CaseNumber = "(2026)沪0115民初1号",
            Caller = new CallerInfo("测试 当事人", "13800000001", CallerRole.Party),
            Content = "请问案件进展",
            Priority = Priority.Urgent,
            Attachments = ["att-1", "att-2"],
            State = TicketState.Reopened,
            Mode = TicketMode.Dispatched,
            Assignee = judge,
            Routing = new RoutingInfo("presiding-judge", "the presiding judge of the case"),
            CreatedAt = At.AddDays(-3),
            UpdatedAt = At,
            Reply = "已答复",
            History =
            [
                new HistoryEntry(At.AddDays(-3), "wechat-adapter", "received", TicketState.Unspecified, TicketState.Received, "intake", Assignee.Triage),
                new HistoryEntry(At, "staff-1", "reopened", TicketState.Closed, TicketState.Reopened, "caller not satisfied", judge),
            ],
            RepliedBy = "sh-pudong/civil-1/1",
            RepliedAt = At.AddDays(-1),
            ClosedAt = At.AddHours(-1),
            MergedInto = "T0000000000001-0009",
            MergedTicketIds = ["T0000000000001-0002", "T0000000000001-0003"],
            CallbackOf = "T0000000000001-0000",
            TransferCount = 1,
            ReturnCount = 2,
            ReopenCount = 3,
            CloseCount = 4,
            DelegatedFrom = "sh-pudong/civil-1/2",
            Callback = new CallbackResult(Satisfaction.BasicallySatisfied, Satisfaction.Dissatisfied, "回访记录", "staff-2", At.AddHours(-2)),
            Deadlines = new TicketDeadlines(clock, [taken], [extension]),
        };
    }

    private static CourtState Court()
    {
        var court = new CourtInfo("sh-pudong", "上海市浦东新区人民法院", "浦东", CourtLevel.Basic, "sh-1st-int", "filing", "service-office", "sh-pudong/platform-a", 0.1958);
        var division = new DivisionInfo("sh-pudong", "civil-1", "民事审判第一庭", DivisionRole.Trial, "sh-pudong/civil-1/head", "sh-pudong/vice-president");
        var judge = new JudgeInfo("sh-pudong/civil-1/1", "法官 一", "sh-pudong", "civil-1", JudgeRole.Judge,
            new AvailabilityInfo(At.AddDays(7), At.AddDays(14), "sh-pudong/civil-1/2"));
        return new CourtState
        {
            Court = court,
            Divisions = new(StringComparer.Ordinal) { ["civil-1"] = division },
            Judges = new(StringComparer.Ordinal) { [judge.JudgeId] = judge },
            Rules = [new RoutingRuleEntry("rule-1", TicketKind.Consultation, TicketSubKind.ConsultationProcedure, "execution", AssigneeType.Division, "execution")],
            ReturnsByRule = new(StringComparer.Ordinal) { ["presiding-judge"] = 5 },
            Version = 9,
            Outbox = [Event(9)],
        };
    }

    private static CaseState Case() => new()
    {
        Case = new CaseRecord(
            "(2026)沪0115民初1号", "sh-pudong", "civil-1", "sh-pudong/civil-1/1",
            [new PartyInfo("原告 测试", PartyRole.Plaintiff, "13800000002"), new PartyInfo("律师 测试", PartyRole.Lawyer, null)],
            CaseStatus.Moved,
            [new CaseNodeInfo(CaseNodeType.HearingScheduled, At, "第一法庭", Public: true)],
            ["(2025)沪0115民初9号"], "sh-1st-int", "(2027)沪01民终1号", 6),
        PasswordHash = "sample-hash",
        Outbox = [Event(6)],
        GuardKey = [9, 8, 7],
    };
}

/// <summary>A stored type's sample, with its typed write and read.</summary>
public sealed record StoredSample(string Name, object Value, Func<Serializer, byte[]> Write, Func<Serializer, byte[], object?> Read)
{
    public static StoredSample Of<T>(string name, T value)
        where T : class => new(name, value, s => s.SerializeToArray(value), (s, bytes) => s.Deserialize<T>(bytes));
}
