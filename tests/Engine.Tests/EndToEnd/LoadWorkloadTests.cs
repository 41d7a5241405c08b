using System.Diagnostics;
using System.Text.Json.Nodes;
using Engine.Domain.Stats;
using Engine.Load;
using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>The load generator's workload (bench/Engine.Load): the directory it imports grows by the courts it is asked
/// to generate, they share the small courts' weight in the white paper's mix, and the engine takes that directory and
/// routes to them.</summary>
public sealed class LoadWorkloadTests
{
    private const int Generated = 40;

    [Fact]
    public void Generated_courts_join_the_directory_with_judges_and_share_the_small_courts_weight()
    {
        var sampleCourts = Samples.Courts();
        var workload = new Workload(sampleCourts, judgesPerDivision: 2, cases: 500, repeatCallers: 0, extraCourts: Generated);
        var root = JsonNode.Parse(workload.DirectoryJson(File.ReadAllText(SampleDirectory.Path)))!;

        var courts = root["courts"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(sampleCourts.Length + Generated, courts.Count);
        Assert.Equal(courts.Count, courts.Distinct().Count());
        Assert.Equal(Workload.GeneratedCourtId(Generated), courts[^1]);
        var judgeCourts = root["judges"]!.AsArray().Select(j => j!["court"]!.GetValue<string>()).ToHashSet();
        Assert.All(workload.GeneratedCourts, c => Assert.Contains(c, judgeCourts));

        // The small sample courts and the generated ones share what the named courts leave: the generated ones
        // draw 40/48 of it. 50,000 draws put ~890 there (a standard deviation of ~30).
        const int draws = 50_000;
        var courtOfCase = workload.Cases.ToDictionary(c => c.Number, c => c.Court);
        var generated = workload.GeneratedCourts.ToHashSet();
        var hits = Enumerable.Range(0, draws)
            .Select(_ => workload.Next())
            .Count(r => generated.Contains(r.CourtId is { Length: > 0 } court ? court : courtOfCase[r.CaseNumber]));
        var smallSampleCourts = sampleCourts.Length - 2 - 15; // all but the high court, Pudong and the next fifteen
        var expected = draws * (WhitePaperMix.RestShare / 100) * Generated / (smallSampleCourts + Generated);
        Assert.InRange(hits, expected - 200, expected + 200);
    }

    [Fact]
    public async Task The_engine_imports_the_generated_directory_and_routes_to_a_generated_court()
    {
        var workload = new Workload(Samples.Courts(), judgesPerDivision: 1, cases: 0, repeatCallers: 0, extraCourts: 3);
        await using var engine = await EngineInstance.StartAsync();
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = workload.DirectoryJson(File.ReadAllText(SampleDirectory.Path)) });
        var court = Workload.GeneratedCourtId(2);
        var judge = $"{court}/civil-1/1";
        await engine.Cases.UpsertCaseAsync(Requests.Case("(2025)沪9999民初10001号", court, "civil-1", judge));

        var ticket = (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge("(2025)沪9999民初10001号"))).Ticket;

        Assert.Equal(court, ticket.CourtId);
        Assert.Equal(judge, ticket.Assignee.Id);
    }

    /// <summary>Issue "Hardening", point 9: a run that got errors says which and why (the deadline run's 216
    /// INVALID_ARGUMENT answers were a count without a reason).</summary>
    [Fact]
    public async Task A_run_reports_each_error_with_the_engines_sentence_and_how_often_it_came()
    {
        var result = new Driver.Result();
        var clock = Stopwatch.StartNew();
        Task<string?> Refused(StatusCode code, string detail) => Task.FromException<string?>(new RpcException(new Status(code, detail)));

        await result.TimeAsync(() => Refused(StatusCode.InvalidArgument, "court_id: court 'sh-qingpu' is not in the directory"), clock, TimeSpan.Zero, TimeSpan.Zero);
        await result.TimeAsync(() => Refused(StatusCode.InvalidArgument, "court_id: court 'sh-qingpu' is not in the directory"), clock, TimeSpan.Zero, TimeSpan.Zero);
        await result.TimeAsync(() => Refused(StatusCode.Unavailable, "the engine is unavailable"), clock, TimeSpan.Zero, TimeSpan.Zero);
        for (var i = 0; i < Driver.Result.MaxReasons + 5; i++)
        {
            await result.TimeAsync(() => Refused(StatusCode.NotFound, $"ticket T{i} does not exist"), clock, TimeSpan.Zero, TimeSpan.Zero);
        }

        var reasons = Assert.IsType<Dictionary<string, long>>(result.Summary()["errorReasons"]);
        Assert.Equal(2, reasons["InvalidArgument: court_id: court 'sh-qingpu' is not in the directory"]);
        Assert.Equal(1, reasons["Unavailable: the engine is unavailable"]);
        Assert.Equal(Driver.Result.MaxReasons, reasons.Count);
        Assert.Equal(Driver.Result.MaxReasons + 8, result.ErrorCount);
        Assert.Equal("InvalidArgument: court_id: court 'sh-qingpu' is not in the directory", reasons.Keys.First());
    }
}
