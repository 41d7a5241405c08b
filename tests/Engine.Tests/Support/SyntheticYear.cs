using Engine.Domain.Stats;
using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>
/// A year of requests shaped like Shanghai's 2018 (DESIGN.md §6): services, contact-judge sub-kinds, courts and
/// channels weighted as the white papers publish them, and what became of each (answered on the spot, replied in
/// time, replied late, never replied; callback answers at the published satisfaction). Deterministic for a seed,
/// and it keeps the exact counts it generated, so a replay can be checked against them.
/// </summary>
public sealed class SyntheticYear
{
    public static readonly (V1.TicketKind Kind, double Weight)[] Kinds = [.. WhitePaperMix.Kinds.Select(k => ((V1.TicketKind)k.Kind, k.Weight))];

    public static readonly (V1.TicketSubKind SubKind, double Weight)[] ContactSubKinds =
        [.. WhitePaperMix.ContactSubKinds.Select(s => ((V1.TicketSubKind)s.SubKind, s.Weight))];

    public static readonly (V1.Channel Channel, double Weight)[] Channels = [.. WhitePaperMix.Channels.Select(c => ((V1.Channel)c.Channel, c.Weight))];

    public static readonly (string Court, double Weight)[] Courts =
    [
        ("sh-high", WhitePaperMix.HighCourtShare), ("sh-pudong", WhitePaperMix.PudongShare),
        .. new[]
        {
            "sh-1st-int", "sh-2nd-int", "sh-3rd-int", "sh-ip", "sh-maritime", "sh-financial", "sh-xuhui", "sh-changning",
            "sh-minhang", "sh-songjiang", "sh-huangpu", "sh-yangpu", "sh-hongkou", "sh-jingan", "sh-putuo",
        }.Select(c => (c, WhitePaperMix.NextFifteenShare / 15)),
        ("sh-baoshan", WhitePaperMix.RestShare / 2), ("sh-jiading", WhitePaperMix.RestShare / 2),
    ];

    public const double ReplyShare = 0.9841;
    public const double LateShare = 0.06;
    public const double ServiceSatisfied = 0.9438;
    public const double ResultSatisfied = 0.9651;

    private static readonly Dictionary<V1.TicketKind, string> Texts = new()
    {
        [V1.TicketKind.CaseInquiry] = "请问我的案件目前进展到哪一步了",
        [V1.TicketKind.ContactJudge] = "请转告承办法官我已补充提交证据材料",
        [V1.TicketKind.Consultation] = "申请强制执行需要准备哪些材料",
        [V1.TicketKind.OnlineFiling] = "网上立案申请提交后多久审核",
        [V1.TicketKind.OnlineMatter] = "申请延期开庭的材料已在线提交",
        [V1.TicketKind.Suggestion] = "建议延长诉讼服务中心周末开放时间",
    };

    private readonly Random _random;

    public SyntheticYear(int year, int tickets, int seed)
    {
        _random = new Random(seed);
        Year = year;
        var days = DateTime.IsLeapYear(year) ? 366 : 365;
        Requests = [.. Enumerable.Range(0, tickets).Select(i => Next(i, days)).OrderBy(r => r.Day).ThenBy(r => r.Index)];
    }

    public int Year { get; }

    public IReadOnlyList<Request> Requests { get; }

    /// <summary>One request: its day of the year (0-based), what it is, and what the replay does with it.</summary>
    public sealed record Request(int Index, int Day, V1.TicketKind Kind, V1.TicketSubKind SubKind, string Court, V1.Channel Channel, string Content, Outcome Outcome,
        V1.Satisfaction Service, V1.Satisfaction Result);

    public enum Outcome
    {
        OnTime,
        Late,
        Never,
    }

    public IReadOnlyDictionary<T, int> Count<T>(Func<Request, T> key)
        where T : notnull => Requests.GroupBy(key).ToDictionary(g => g.Key, g => g.Count());

    private Request Next(int index, int days)
    {
        var kind = Pick(Kinds);
        var subKind = kind == V1.TicketKind.ContactJudge ? Pick(ContactSubKinds) : Default(kind);
        var reply = _random.NextDouble();
        var outcome = reply >= ReplyShare ? Outcome.Never : reply < LateShare ? Outcome.Late : Outcome.OnTime;
        var service = _random.NextDouble() < ServiceSatisfied ? V1.Satisfaction.Satisfied : V1.Satisfaction.Dissatisfied;
        var result = _random.NextDouble() < ResultSatisfied ? V1.Satisfaction.BasicallySatisfied : V1.Satisfaction.Dissatisfied;
        return new Request(index, _random.Next(days), kind, subKind, Pick(Courts), Pick(Channels), Texts[kind], outcome, service, result);
    }

    private static V1.TicketSubKind Default(V1.TicketKind kind) => kind switch
    {
        V1.TicketKind.CaseInquiry => V1.TicketSubKind.InquiryCaseProgress,
        V1.TicketKind.Consultation => V1.TicketSubKind.ConsultationExecution,
        V1.TicketKind.OnlineFiling => V1.TicketSubKind.FilingApplication,
        V1.TicketKind.OnlineMatter => V1.TicketSubKind.MatterHearingPostponement,
        _ => V1.TicketSubKind.SuggestionSuggestion,
    };

    private T Pick<T>((T Value, double Weight)[] weighted) => WhitePaperMix.Pick(_random, weighted);
}
