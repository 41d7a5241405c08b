using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Grains.Deadlines;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Supervision;

/// <summary>
/// The supervision page's circulated report (通报) and satisfaction panels, for the chosen court (or all), with the
/// courts under it when the page's toggle is on (<c>sub=true</c>), over the chosen days: the same calls as
/// StatsService/GetCirculatedReport and GetSatisfaction.
/// </summary>
internal static class SupervisionRollup
{
    /// <summary>The steps the circulated panel lists (its counts cover every step of the period).</summary>
    public const int CirculatedRows = 100;

    /// <summary>The most rated people and windows listed of each kind.</summary>
    public const int SatisfactionRows = 10;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/circulated", CirculatedAsync);
        api.MapGet("/satisfaction", SatisfactionAsync);
    }

    private static async Task<IResult> CirculatedAsync(
        IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<DeadlineOptions> deadlines, string? court, int? days, bool? sub)
    {
        if (SupervisionApi.ChosenDays(time, deadlines, court, days, out var chosen) is { } bad)
        {
            return bad;
        }

        var scope = SupervisionApi.Blank(court);
        var report = await grains.GetGrain<IStatsGrain>(0).GetCirculatedReportAsync(scope, sub == true, chosen.From, chosen.Until, null, CirculatedRows);
        return TypedResults.Json(new CirculatedView(chosen.Now, scope, scope is not null && sub == true, chosen.Days, report), SupervisionJson.Default.CirculatedView);
    }

    private static async Task<IResult> SatisfactionAsync(
        IClusterClient grains, [FromKeyedServices(EngineClock.Key)] TimeProvider time, IOptions<DeadlineOptions> deadlines, string? court, int? days, bool? sub)
    {
        if (SupervisionApi.ChosenDays(time, deadlines, court, days, out var chosen) is { } bad)
        {
            return bad;
        }

        var scope = SupervisionApi.Blank(court);
        var stats = grains.GetGrain<IStatsGrain>(0);
        var answers = await Task.WhenAll(new[] { RatedSubject.Staff, RatedSubject.PlatformAgent, RatedSubject.Window }
            .Select(subject => stats.GetSatisfactionAsync(scope, chosen.From, chosen.Until, subject, SatisfactionRows, sub == true)));
        return TypedResults.Json(
            new SatisfactionView(chosen.Now, scope, scope is not null && sub == true, chosen.Days, answers[0].Rows, answers[1].Rows, answers[2].Rows),
            SupervisionJson.Default.SatisfactionView);
    }
}
