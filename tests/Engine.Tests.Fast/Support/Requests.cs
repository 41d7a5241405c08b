using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>Well-formed requests with obviously fake personal data, for tests to vary.</summary>
public static class Requests
{
    public const string FakePhone = "13800000001";

    public static V1.SubmitTicketRequest ContactJudge(string caseNumber, string? key = null) => new()
    {
        IdempotencyKey = key ?? Guid.NewGuid().ToString("N"),
        Channel = V1.Channel.Hotline,
        Kind = V1.TicketKind.ContactJudge,
        SubKind = V1.TicketSubKind.ContactProgressInquiry,
        CaseNumber = caseNumber,
        Caller = new V1.Caller { Name = "测试当事人", Phone = FakePhone, Role = V1.CallerRole.Party },
        Content = "请问案件进展如何？",
    };

    public static V1.UpsertCaseRequest Case(string caseNumber, string courtId, string divisionId, string? judgeId) => new()
    {
        Case = new V1.Case
        {
            CaseNumber = caseNumber,
            CourtId = courtId,
            DivisionId = divisionId,
            PresidingJudgeId = judgeId ?? string.Empty,
            Parties = { new V1.Party { Name = "测试当事人", Role = V1.PartyRole.Plaintiff, Phone = FakePhone } },
        },
        ServicePassword = "test-password-1",
        Actor = "case-management",
    };
}
