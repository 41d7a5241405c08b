using System.Text.Json.Nodes;
using Engine.Domain;
using Engine.Domain.Stats;
using V1 = Engine.V1;

namespace Engine.Load;

/// <summary>
/// The white paper's mix (DESIGN.md §6) on a generated directory and case set: kinds, contact-judge sub-kinds,
/// courts and channels weighted as published; other sub-kinds evenly. The directory is the sample courts and as many
/// generated basic courts as asked (a national-size directory has about 3,500), each with made-up judges; generated
/// courts share the small courts' weight. Repeated callers come back from a pool of recent phones. Deterministic for
/// a seed. Personal data is obviously fake.
/// </summary>
internal sealed class Workload
{
    /// <summary>The most courts it generates: their ids have four digits (<see cref="GeneratedCourtId"/>).</summary>
    public const int MaxGeneratedCourts = 9_999;

    /// <summary>The parent of the generated courts: an intermediate court of the sample.</summary>
    private const string GeneratedParent = "sh-1st-int";

    private static readonly (V1.Channel Channel, double Weight)[] Channels = [.. WhitePaperMix.Channels.Select(c => ((V1.Channel)c.Channel, c.Weight))];

    private readonly Random _random;
    private readonly (string Court, double Weight)[] _courts;
    private readonly Dictionary<string, string[]> _casesByCourt;
    private readonly string[] _recentPhones = new string[4096];
    private readonly double _repeatCallers;
    private long _phones;

    public Workload(string[] courts, int judgesPerDivision, int cases, double repeatCallers, int extraCourts = 0, int seed = 12368)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extraCourts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(extraCourts, MaxGeneratedCourts);
        _random = new Random(seed);
        _repeatCallers = repeatCallers;
        GeneratedCourts = [.. Enumerable.Range(1, extraCourts).Select(GeneratedCourtId)];

        // The high court 32.66 %, Pudong 19.58 %, the next fifteen 45.63 % between them, the rest share what is left.
        var others = courts.Where(c => c is not ("sh-high" or "sh-pudong")).ToArray();
        var fifteen = others.Take(15).ToArray();
        var small = others.Skip(15).Concat(GeneratedCourts).ToArray();
        _courts =
        [
            ("sh-high", WhitePaperMix.HighCourtShare), ("sh-pudong", WhitePaperMix.PudongShare),
            .. fifteen.Select(c => (c, WhitePaperMix.NextFifteenShare / fifteen.Length)), .. small.Select(c => (c, WhitePaperMix.RestShare / Math.Max(1, small.Length))),
        ];
        JudgesPerDivision = judgesPerDivision;
        Cases = [.. Enumerable.Range(0, cases).Select(i =>
        {
            var court = Pick(_courts);
            var judge = $"{court}/civil-1/{(i % judgesPerDivision) + 1}";
            return (Number: $"(2025)沪{9000 + (i / 90000):D4}民初{(i % 90000) + 10000}号", Court: court, Judge: judge);
        })];
        _casesByCourt = Cases.GroupBy(c => c.Court).ToDictionary(g => g.Key, g => g.Select(c => c.Number).ToArray());
    }

    public int JudgesPerDivision { get; }

    /// <summary>The ids of the generated courts, beyond the sample's.</summary>
    public IReadOnlyList<string> GeneratedCourts { get; }

    public IReadOnlyList<string> Courts => [.. _courts.Select(c => c.Court)];

    public (string Number, string Court, string Judge)[] Cases { get; }

    public static string GeneratedCourtId(int n) => $"gen-{n:D4}";

    /// <summary>The sample directory and the generated courts, with <see cref="JudgesPerDivision"/> made-up judges in
    /// each trial division.</summary>
    public string DirectoryJson(string sampleJson)
    {
        var root = JsonNode.Parse(sampleJson)!.AsObject();
        var courts = root["courts"]!.AsArray();
        foreach (var (i, id) in GeneratedCourts.Index())
        {
            courts.Add(new JsonObject { ["id"] = id, ["name"] = $"测试法院 {i + 1}", ["short"] = $"测试{i + 1}", ["level"] = "BASIC", ["parent"] = GeneratedParent });
        }

        var divisions = root["divisionTemplate"]!.AsArray().Where(d => d!["role"]!.GetValue<string>() == "TRIAL").Select(d => d!["id"]!.GetValue<string>()).ToArray();
        var judges = new JsonArray();
        foreach (var court in _courts.Select(c => c.Court))
        {
            foreach (var division in divisions)
            {
                for (var n = 1; n <= JudgesPerDivision; n++)
                {
                    judges.Add(new JsonObject { ["id"] = $"{court}/{division}/{n}", ["name"] = $"法官 {court}/{division}/{n}", ["court"] = court, ["division"] = division, ["role"] = "JUDGE" });
                }
            }
        }

        root["judges"] = judges;
        return root.ToJsonString();
    }

    public V1.SubmitTicketRequest Next()
    {
        lock (_random)
        {
            var kind = Pick(WhitePaperMix.Kinds);
            var subKind = kind == TicketKind.ContactJudge ? Pick(WhitePaperMix.ContactSubKinds) : Uniform(kind);
            var court = Pick(_courts);
            var request = new V1.SubmitTicketRequest
            {
                IdempotencyKey = Guid.NewGuid().ToString("N"),
                Channel = Pick(Channels),
                Kind = (V1.TicketKind)kind,
                SubKind = (V1.TicketSubKind)subKind,
                CourtId = court,
                Caller = new V1.Caller { Name = "测试当事人", Phone = Phone(), Role = V1.CallerRole.Party },
                Content = kind switch
                {
                    TicketKind.ContactJudge => "请转告承办法官，我已补充提交证据材料，请问何时开庭？",
                    TicketKind.CaseInquiry => "请问我的案件目前进展到哪一步了？",
                    TicketKind.OnlineFiling => "网上立案申请提交后多久审核？",
                    _ => "请问执行程序如何申请？",
                },
            };
            if (kind is TicketKind.ContactJudge or TicketKind.CaseInquiry && _casesByCourt.TryGetValue(court, out var cases))
            {
                request.CaseNumber = cases[_random.Next(cases.Length)];
                request.CourtId = string.Empty;
            }

            return request;
        }
    }

    private string Phone()
    {
        if (_phones > 0 && _random.NextDouble() < _repeatCallers)
        {
            return _recentPhones[_random.Next((int)Math.Min(_phones, _recentPhones.Length))];
        }

        var phone = $"139{_phones % 100_000_000:D8}";
        _recentPhones[_phones++ % _recentPhones.Length] = phone;
        return phone;
    }

    private TicketSubKind Uniform(TicketKind kind)
    {
        var options = Enum.GetValues<TicketSubKind>().Where(s => s != TicketSubKind.Unspecified && TicketKinds.KindOf(s) == kind).ToArray();
        return options[_random.Next(options.Length)];
    }

    private T Pick<T>((T Value, double Weight)[] weighted) => WhitePaperMix.Pick(_random, weighted);
}
