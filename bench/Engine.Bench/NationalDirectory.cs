using Engine.Domain;
using Engine.Domain.Routing;

namespace Engine.Bench;

/// <summary>
/// A generated directory the size of all Chinese courts: 3,500 courts, about 120,000 people (34 per court across
/// eight divisions), and a case table of cases spread over the courts. Deterministic (seeded).
/// </summary>
public sealed class NationalDirectory
{
    public const int Courts = 3_500;
    public const int PeoplePerCourt = 34;

    private static readonly (string Id, DivisionRole Role, int Members)[] Divisions =
    [
        ("filing", DivisionRole.Filing, 4),
        ("civil-1", DivisionRole.Trial, 6),
        ("civil-2", DivisionRole.Trial, 5),
        ("commercial", DivisionRole.Trial, 4),
        ("criminal", DivisionRole.Trial, 4),
        ("administrative", DivisionRole.Trial, 3),
        ("execution", DivisionRole.Execution, 5),
        ("service-office", DivisionRole.ServiceOffice, 3),
    ];

    public NationalDirectory(int cases, double onLeaveShare = 0.05, int seed = 20260101)
    {
        var random = new Random(seed);
        var now = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
        Now = now;
        CourtIds = new string[Courts];
        var judgesByCourt = new List<string>[Courts];
        for (var c = 0; c < Courts; c++)
        {
            var courtId = $"court-{c:D4}";
            CourtIds[c] = courtId;
            var court = new CourtDirectory(courtId, courtId + "/platform");
            judgesByCourt[c] = [];
            foreach (var (id, role, members) in Divisions)
            {
                var division = court.AddDivision(id, role, headJudgeId: $"{courtId}/{id}/0");
                for (var m = 0; m < members; m++)
                {
                    var judgeId = $"{courtId}/{id}/{m}";
                    var judge = court.AddJudge(judgeId, division.Id, m == 0 ? JudgeRole.DivisionHead : JudgeRole.Judge);
                    judge.Load = random.Next(0, 40);
                    if (random.NextDouble() < onLeaveShare)
                    {
                        judge.LeaveFrom = now.AddDays(-2);
                        judge.LeaveTo = now.AddDays(5);
                        judge.DelegateJudgeId = $"{courtId}/{id}/{(m + 1) % members}";
                    }

                    if (role is DivisionRole.Trial or DivisionRole.Execution)
                    {
                        judgesByCourt[c].Add(judgeId);
                    }

                    People++;
                }
            }

            Directory.Add(court);
        }

        CaseFacts = new CaseFacts[cases];
        for (var i = 0; i < cases; i++)
        {
            var c = random.Next(Courts);
            var judges = judgesByCourt[c];
            var judge = judges[random.Next(judges.Count)];
            var division = judge.Split('/')[1];
            CaseFacts[i] = new CaseFacts(CourtIds[c], division, random.NextDouble() < 0.03 ? null : judge, Moved: random.NextDouble() < 0.01);
        }
    }

    public RoutingDirectory Directory { get; } = new();

    public string[] CourtIds { get; }

    public CaseFacts[] CaseFacts { get; }

    public int People { get; }

    public DateTimeOffset Now { get; }
}
