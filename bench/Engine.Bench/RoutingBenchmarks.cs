using BenchmarkDotNet.Attributes;
using Engine.Domain;
using Engine.Domain.Routing;

namespace Engine.Bench;

/// <summary>
/// The routing decision on a national-size directory (3,500 courts, 119,000 people, 2,000,000 cases): the target is
/// at most 100 ns and 0 bytes allocated per decision. Requests cycle through pre-built arrays so that the case and
/// court touched change on every call (no single hot cache line).
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private const int Requests = 1 << 16;
    private NationalDirectory _national = null!;
    private RoutingRequest[] _contactJudge = null!;
    private RoutingRequest[] _mixed = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _national = new NationalDirectory(cases: 2_000_000);
        var random = new Random(7);
        _contactJudge = new RoutingRequest[Requests];
        _mixed = new RoutingRequest[Requests];
        var kinds = new[] { TicketKind.CaseInquiry, TicketKind.ContactJudge, TicketKind.Consultation, TicketKind.OnlineFiling, TicketKind.OnlineMatter, TicketKind.Suggestion };
        for (var i = 0; i < Requests; i++)
        {
            var facts = _national.CaseFacts[random.Next(_national.CaseFacts.Length)];
            _contactJudge[i] = new RoutingRequest(TicketKind.ContactJudge, TicketSubKind.ContactProgressInquiry, facts.CourtId, facts);
            var kind = kinds[random.Next(kinds.Length)];
            _mixed[i] = kind is TicketKind.ContactJudge or TicketKind.OnlineMatter
                ? new RoutingRequest(kind, TicketSubKind.Unspecified, facts.CourtId, facts)
                : new RoutingRequest(kind, TicketSubKind.Unspecified, _national.CourtIds[random.Next(_national.CourtIds.Length)], null);
        }
    }

    [Benchmark(Description = "contact judge on a known case")]
    public RoutingDecision ContactJudge() => Router.Route(_national.Directory, _contactJudge[_next++ & (Requests - 1)], _national.Now);

    [Benchmark(Description = "white-paper kind mix")]
    public RoutingDecision Mixed() => Router.Route(_national.Directory, _mixed[_next++ & (Requests - 1)], _national.Now);

    [Benchmark(Description = "unknown court → triage")]
    public RoutingDecision UnknownCourt() =>
        Router.Route(_national.Directory, new RoutingRequest(TicketKind.Consultation, TicketSubKind.Unspecified, "no-such-court", null), _national.Now);
}
