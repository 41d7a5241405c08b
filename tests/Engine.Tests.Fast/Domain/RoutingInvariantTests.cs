using Engine.Domain;
using Engine.Domain.Routing;

namespace Engine.Tests.DomainTests;

/// <summary>What routing guarantees for any directory and request, checked on many seeded random ones, and its cost.</summary>
public sealed class RoutingInvariantTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly TicketSubKind[] SubKinds = Enum.GetValues<TicketSubKind>();
    private static readonly AssigneeType[] AssigneeTypes = Enum.GetValues<AssigneeType>();

    [Fact]
    public void Random_directories_and_requests_always_get_a_decision_that_keeps_the_routing_invariants()
    {
        var random = new Random(12345);
        var decisions = 0;
        for (var round = 0; round < 400; round++)
        {
            var directory = new RoutingDirectory();
            var courts = new List<CourtDirectory>();
            for (var c = random.Next(1, 4); c > 0; c--)
            {
                var court = RandomCourt(random, $"court-{round}-{c}");
                directory.Add(court);
                courts.Add(court);
            }

            for (var i = 0; i < 50; i++)
            {
                var request = RandomRequest(random, courts);
                var decision = Router.Route(directory, request, Now);
                CheckInvariants(directory, request, decision, $"round {round}, request {i}: {request} -> {decision}");
                decisions++;
            }
        }

        Assert.Equal(400 * 50, decisions);
    }

    [Fact]
    public void Routing_allocates_nothing()
    {
        var (directory, requests) = PreparedDirectory();
        var sink = 0;
        for (var warmUp = 0; warmUp < 2_000; warmUp++)
        {
            foreach (var request in requests)
            {
                sink += Router.Route(directory, request, Now).Id.Length;
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            sink += Router.Route(directory, requests[i % requests.Length], Now).Id.Length;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(sink > 0);
        Assert.Equal(0, allocated);
    }

    private static void CheckInvariants(RoutingDirectory directory, RoutingRequest request, RoutingDecision decision, string context)
    {
        Assert.False(string.IsNullOrEmpty(decision.Id), "every decision names a target: " + context);
        var addressed = request.Case is { } facts ? facts.CourtId : request.CourtId;
        var known = addressed is not null && directory.TryGetCourt(addressed, out _);

        if (decision.Rule == RoutingRule.Triage)
        {
            Assert.False(known, "only a request for no court or an unknown court waits in triage: " + context);
            Assert.Null(decision.CourtId);
            Assert.Equal(RoutingDecision.TriageQueueId, decision.Id);
            Assert.Equal(AssigneeType.PlatformQueue, decision.Type);
            Assert.False(decision.FollowedMove, "triage says nothing about a move: " + context);
            return;
        }

        Assert.True(known, "a decision outside triage is made in a known court: " + context);
        // The case's court wins over the one the caller named, so a moved case never lands in its older court.
        Assert.True(decision.CourtId is not null && decision.CourtId == addressed, "the decision is in the case's (or else the addressed) court: " + context);
        Assert.Equal(request.Case is { Moved: true }, decision.FollowedMove);
        Assert.Equal(decision.FollowedMove, RoutingExplanation.RuleName(decision).StartsWith("case-moved/", StringComparison.Ordinal));

        directory.TryGetCourt(decision.CourtId!, out var court);
        switch (decision.Type)
        {
            case AssigneeType.Judge:
                Assert.True(court!.Judges.TryGetValue(decision.Id, out var judge), "a judge decision names a judge of the court: " + context);
                Assert.True(judge!.IsAvailable(Now), "a judge decision never names a judge on leave: " + context);
                Assert.Equal(TicketMode.Dispatched, decision.Mode);
                if (decision.Rule is RoutingRule.DivisionQueue or RoutingRule.FilingDivisionNoJudge or RoutingRule.FilingDivision
                    or RoutingRule.ServiceOffice or RoutingRule.CaseDivision)
                {
                    var division = court.Divisions[judge.DivisionId!];
                    var lowest = division.Members.Where(m => m.IsAvailable(Now)).Min(m => m.Load);
                    Assert.True(judge.Load == lowest, "a division pick is its least-loaded available member: " + context);
                }

                break;

            case AssigneeType.Division or AssigneeType.Office:
                Assert.True(court!.Divisions.TryGetValue(decision.Id, out var queue), "a queue decision names a division of the court: " + context);
                Assert.True(queue!.Members.TrueForAll(m => !m.IsAvailable(Now)), "a division queues a ticket only when none of its members is available: " + context);
                Assert.Equal(TicketMode.Dispatched, decision.Mode);
                break;

            case AssigneeType.PlatformQueue:
                Assert.Equal(TicketMode.Undecided, decision.Mode);
                break;

            default:
                Assert.Fail("no decision has an unspecified target type: " + context);
                break;
        }

        if (decision.Rule is RoutingRule.PresidingJudge or RoutingRule.Delegate or RoutingRule.DivisionHead
            or RoutingRule.FilingDivisionNoJudge or RoutingRule.CaseDivision)
        {
            Assert.True(request.Case is not null && TicketKinds.GoesToPresidingJudge(request.Kind), "judge rules decide only for a case's judge: " + context);
        }

        if (decision.Rule == RoutingRule.PresidingJudge)
        {
            Assert.Equal(request.Case!.Value.PresidingJudgeId, decision.Id);
        }

        var overridden = Array.Exists(court!.Rules, r => r.Matches(request.Kind, request.SubKind, request.Case?.DivisionId));
        Assert.Equal(overridden, decision.Override is not null);
        if (!overridden
            && TicketKinds.GoesToPresidingJudge(request.Kind)
            && request.Case?.PresidingJudgeId is { } presiding
            && court.Judges.TryGetValue(presiding, out var presidingJudge)
            && presidingJudge.IsAvailable(Now))
        {
            Assert.True(decision.Rule == RoutingRule.PresidingJudge && decision.Id == presiding, "an available presiding judge always gets the ticket: " + context);
        }
    }

    private static CourtDirectory RandomCourt(Random random, string id)
    {
        var court = new CourtDirectory(id, id + "-platform");
        if (random.Next(4) > 0)
        {
            court.AddDivision(id + "-filing", DivisionRole.Filing);
        }

        if (random.Next(3) > 0)
        {
            court.AddDivision(id + "-office", DivisionRole.ServiceOffice);
        }

        for (var d = random.Next(0, 4); d > 0; d--)
        {
            court.AddDivision($"{id}-trial-{d}", DivisionRole.Trial);
        }

        foreach (var division in court.Divisions.Keys.ToArray())
        {
            for (var k = random.Next(0, 5); k > 0; k--)
            {
                court.AddJudge($"{division}-j{k}", division, JudgeRole.Judge);
            }
        }

        if (random.Next(3) == 0)
        {
            court.AddJudge(id + "-floating", divisionId: null, JudgeRole.Judge);
        }

        if (random.Next(4) == 0)
        {
            court.AddJudge(id + "-elsewhere", id + "-unlisted-division", JudgeRole.Judge);
        }

        var judgeIds = court.Judges.Keys.ToArray();
        foreach (var division in court.Divisions.Values)
        {
            division.HeadJudgeId = random.Next(4) switch
            {
                0 => null,
                1 when division.Members.Count > 0 => division.Members[random.Next(division.Members.Count)].Id,
                2 => "missing-head",
                _ => Pick(random, judgeIds) ?? "missing-head",
            };
        }

        foreach (var judge in court.Judges.Values)
        {
            judge.Load = random.Next(0, 6);
            (judge.LeaveFrom, judge.LeaveTo) = random.Next(7) switch
            {
                0 => (Now.AddDays(-10), Now.AddDays(-2)),
                1 => (Now.AddDays(-1), Now.AddDays(1)),
                2 => (Now.AddDays(1), Now.AddDays(3)),
                3 => (Now.AddDays(-1), (DateTimeOffset?)null),
                4 => (Now, Now.AddHours(1)),
                5 => (Now.AddHours(-1), Now),
                _ => ((DateTimeOffset?)null, (DateTimeOffset?)null),
            };
            judge.DelegateJudgeId = random.Next(4) switch
            {
                0 => null,
                1 => "missing-delegate",
                2 => judge.Id,
                _ => Pick(random, judgeIds),
            };
        }

        if (random.Next(4) == 0)
        {
            var divisionIds = court.Divisions.Keys.ToArray();
            court.Rules = Enumerable.Range(0, random.Next(1, 4)).Select(n => new RoutingRuleEntry(
                $"rule-{n}",
                (TicketKind)random.Next(0, 8),
                random.Next(3) == 0 ? SubKinds[random.Next(SubKinds.Length)] : TicketSubKind.Unspecified,
                random.Next(3) == 0 ? Pick(random, divisionIds) ?? "missing-division" : null,
                AssigneeTypes[random.Next(AssigneeTypes.Length)],
                random.Next(3) switch
                {
                    0 => Pick(random, judgeIds) ?? "missing-judge",
                    1 => Pick(random, divisionIds) ?? "missing-division",
                    _ => "override-queue",
                })).ToArray();
        }

        return court;
    }

    private static RoutingRequest RandomRequest(Random random, List<CourtDirectory> courts)
    {
        var kind = (TicketKind)random.Next(0, 8);
        var subKind = random.Next(2) == 0 ? TicketSubKind.Unspecified : SubKinds[random.Next(SubKinds.Length)];
        var named = random.Next(5) switch
        {
            0 => null,
            1 => "unknown-court",
            _ => courts[random.Next(courts.Count)].CourtId,
        };
        if (random.Next(3) == 0)
        {
            return new RoutingRequest(kind, subKind, named, null);
        }

        var holder = courts[random.Next(courts.Count)];
        var caseCourt = random.Next(8) == 0 ? "unknown-court" : holder.CourtId;
        var other = courts[random.Next(courts.Count)];
        var division = random.Next(4) switch
        {
            0 => null,
            1 => "missing-division",
            _ => Pick(random, holder.Divisions.Keys.ToArray()),
        };
        var judge = random.Next(5) switch
        {
            0 => null,
            1 => "missing-judge",
            2 => Pick(random, other.Judges.Keys.ToArray()),
            _ => Pick(random, holder.Judges.Keys.ToArray()),
        };
        return new RoutingRequest(kind, subKind, named, new CaseFacts(caseCourt, division, judge, Moved: random.Next(3) == 0));
    }

    private static string? Pick(Random random, string[] ids) => ids.Length == 0 ? null : ids[random.Next(ids.Length)];

    /// <summary>One court where each request below takes a different rule.</summary>
    private static (RoutingDirectory Directory, RoutingRequest[] Requests) PreparedDirectory()
    {
        var court = new CourtDirectory("court-a", "court-a-platform");
        court.AddDivision("filing", DivisionRole.Filing);
        court.AddDivision("civil", DivisionRole.Trial, headJudgeId: "civil-head");
        court.AddDivision("criminal", DivisionRole.Trial, headJudgeId: "criminal-1");
        court.AddDivision("office", DivisionRole.ServiceOffice);
        court.AddJudge("filing-1", "filing", JudgeRole.Judge).Load = 3;
        court.AddJudge("filing-2", "filing", JudgeRole.Judge).Load = 1;
        court.AddJudge("civil-head", "civil", JudgeRole.DivisionHead);
        court.AddJudge("civil-1", "civil", JudgeRole.Judge);
        court.AddJudge("civil-2", "civil", JudgeRole.Judge).DelegateJudgeId = "civil-1";
        court.AddJudge("civil-3", "civil", JudgeRole.Judge);
        court.AddJudge("criminal-1", "criminal", JudgeRole.DivisionHead);
        court.AddJudge("criminal-2", "criminal", JudgeRole.Judge).Load = 2;
        court.AddJudge("criminal-3", "criminal", JudgeRole.Judge).Load = 1;
        foreach (var onLeave in new[] { "civil-2", "civil-3", "criminal-1" })
        {
            court.Judges[onLeave].LeaveFrom = Now.AddDays(-1);
            court.Judges[onLeave].LeaveTo = Now.AddDays(1);
        }

        court.Rules = [new RoutingRuleEntry("complaints", TicketKind.Suggestion, TicketSubKind.SuggestionComplaint, null, AssigneeType.Judge, "civil-head")];
        var directory = new RoutingDirectory();
        directory.Add(court);
        directory.Add(new CourtDirectory("court-b", "court-b-platform"));

        RoutingRequest[] requests =
        [
            Contact("civil-1", "civil", moved: false),
            Contact("civil-2", "civil", moved: false),
            Contact("civil-3", "civil", moved: true),
            Contact("criminal-1", "criminal", moved: false),
            Contact(null, "civil", moved: false),
            Contact("not-listed", "criminal", moved: false),
            new(TicketKind.CaseInquiry, TicketSubKind.InquiryCaseProgress, "court-a", null),
            new(TicketKind.Suggestion, TicketSubKind.SuggestionOpinion, "court-a", null),
            new(TicketKind.Suggestion, TicketSubKind.SuggestionComplaint, "court-a", null),
            new(TicketKind.OnlineFiling, TicketSubKind.FilingApplication, "court-a", null),
            new(TicketKind.ContactJudge, TicketSubKind.ContactUrge, "no-such-court", null),
            new(TicketKind.Consultation, TicketSubKind.ConsultationOther, null, null),
        ];
        return (directory, requests);

        static RoutingRequest Contact(string? judge, string division, bool moved) =>
            new(TicketKind.ContactJudge, TicketSubKind.ContactProgressInquiry, "court-b", new CaseFacts("court-a", division, judge, moved));
    }
}
