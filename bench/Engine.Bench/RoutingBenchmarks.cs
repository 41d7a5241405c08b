using BenchmarkDotNet.Attributes;
using Engine.Domain;
using Engine.Domain.Routing;

namespace Engine.Bench;

/// <summary>
/// The routing decision on a national-size directory (3,500 courts, 119,000 people, 2,000,000 cases): the target is
/// at most 100 ns and 0 bytes allocated per decision. "Cold" requests cycle through a random court and case on every
/// call, so each decision pays the cache misses of reaching a court and a judge nobody touched recently; "hot"
/// requests stay within one court, as when a court grain routes a stream of its own tickets.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private const int Requests = 1 << 16;
    private NationalDirectory _national = null!;
    private RoutingRequest[] _contactJudge = null!;
    private RoutingRequest[] _mixed = null!;
    private RoutingRequest[] _hotCourt = null!;
    private CourtDirectory _hot = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _national = new NationalDirectory(cases: 2_000_000);
        var random = new Random(7);
        _contactJudge = new RoutingRequest[Requests];
        _mixed = new RoutingRequest[Requests];
        var hotCourt = _national.CaseFacts[0].CourtId;
        _national.Directory.TryGetCourt(hotCourt, out _hot!);
        var hotCases = _national.CaseFacts.Where(f => f.CourtId == hotCourt).ToArray();
        _hotCourt = new RoutingRequest[Requests];
        var kinds = new[] { TicketKind.CaseInquiry, TicketKind.ContactJudge, TicketKind.Consultation, TicketKind.OnlineFiling, TicketKind.OnlineMatter, TicketKind.Suggestion };
        for (var i = 0; i < Requests; i++)
        {
            var facts = _national.CaseFacts[random.Next(_national.CaseFacts.Length)];
            _contactJudge[i] = new RoutingRequest(TicketKind.ContactJudge, TicketSubKind.ContactProgressInquiry, facts.CourtId, facts);
            var hotFacts = hotCases[random.Next(hotCases.Length)];
            _hotCourt[i] = new RoutingRequest(TicketKind.ContactJudge, TicketSubKind.ContactProgressInquiry, hotFacts.CourtId, hotFacts);
            var kind = kinds[random.Next(kinds.Length)];
            _mixed[i] = kind is TicketKind.ContactJudge or TicketKind.OnlineMatter
                ? new RoutingRequest(kind, TicketSubKind.Unspecified, facts.CourtId, facts)
                : new RoutingRequest(kind, TicketSubKind.Unspecified, _national.CourtIds[random.Next(_national.CourtIds.Length)], null);
        }
    }

    [Benchmark(Description = "cold: contact judge, random court and case")]
    public RoutingDecision ContactJudge() => Router.Route(_national.Directory, _contactJudge[_next++ & (Requests - 1)], _national.Now);

    [Benchmark(Description = "hot: contact judge, one court's cases")]
    public RoutingDecision ContactJudgeHotCourt() => Router.Route(_hot, _hotCourt[_next++ & (Requests - 1)], _national.Now);

    [Benchmark(Description = "cold: white-paper kind mix")]
    public RoutingDecision Mixed() => Router.Route(_national.Directory, _mixed[_next++ & (Requests - 1)], _national.Now);

    [Benchmark(Description = "unknown court → triage")]
    public RoutingDecision UnknownCourt() =>
        Router.Route(_national.Directory, new RoutingRequest(TicketKind.Consultation, TicketSubKind.Unspecified, "no-such-court", null), _national.Now);
}
