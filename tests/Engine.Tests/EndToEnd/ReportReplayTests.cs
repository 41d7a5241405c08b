using Engine.Domain;
using Engine.ProtoMapping;
using Engine.Report;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Two synthetic years replayed through a running engine on a fake clock (the base year, then a year shaped like
/// Shanghai's 2018 with half as many requests again): the statistics, and the report made from them, give back the
/// shares the years were generated with — services, channels, courts, sub-kinds, reply rate, satisfaction — and the
/// growth from one year to the next.
/// </summary>
public sealed class ReportReplayTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private const int BaseYearTickets = 800;
    private const int ReportYearTickets = 1200;
    private const string CaseNumbersCourt = "沪0000";

    [Fact]
    public async Task A_replayed_year_gives_back_the_shares_it_was_generated_with()
    {
        var years = new[] { new SyntheticYear(2025, BaseYearTickets, seed: 2017), new SyntheticYear(2026, ReportYearTickets, seed: 2018) };
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 8, 0, 0, Shanghai));
        await using var engine = await EngineInstance.StartWithServicesAsync(
            services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock), "--Engine:Tickets:CallbackShare=0.2");
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var replay = new Replay(engine, clock);
        foreach (var year in years)
        {
            await replay.RunAsync(year);
        }

        await replay.FinishAsync();
        var stats = new V1.StatsService.StatsServiceClient(engine.Channel);
        var report = years[1];
        var period = new V1.Period
        {
            From = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 1, 0, 0, 0, Shanghai)),
            To = Timestamp.FromDateTimeOffset(new DateTimeOffset(2027, 1, 1, 0, 0, 0, Shanghai)),
        };

        async Task<Dictionary<string, V1.StatsRow>> ByAsync(V1.StatsGroupBy by) =>
            (await stats.GetStatsAsync(new V1.GetStatsRequest { Period = period, GroupBy = { by } })).Rows.ToDictionary(r => r.Key);

        var byKind = await ByAsync(V1.StatsGroupBy.Kind);
        foreach (var (kind, count) in report.Count(r => r.Kind))
        {
            Assert.Equal(count, byKind[StatsName(kind)].Received);
        }

        var byChannel = await ByAsync(V1.StatsGroupBy.Channel);
        Assert.All(report.Count(r => r.Channel), p => Assert.Equal(p.Value, byChannel[StatsName(p.Key)].Received));
        var byCourt = await ByAsync(V1.StatsGroupBy.Court);
        Assert.All(report.Count(r => r.Court), p => Assert.Equal(p.Value, byCourt[p.Key].Received));
        var bySubKind = await ByAsync(V1.StatsGroupBy.SubKind);
        Assert.All(report.Count(r => r.SubKind), p => Assert.Equal(p.Value, bySubKind[StatsName(p.Key)].Received));

        // The shares are near the published ones (a sample of 1,200 is within a few points of them).
        var total = (await stats.GetStatsAsync(new V1.GetStatsRequest { Period = period })).Total;
        Assert.Equal(ReportYearTickets, total.Received);
        Assert.InRange(byKind["CONTACT_JUDGE"].Received / (double)total.Received, 0.2766 - 0.04, 0.2766 + 0.04);
        Assert.InRange(byChannel["WEB"].Received / (double)total.Received, 0.54 - 0.04, 0.54 + 0.04);
        Assert.InRange(byCourt["sh-high"].Received / (double)total.Received, 0.3266 - 0.04, 0.3266 + 0.04);

        var outcome = replay.Outcomes[report.Year];
        Assert.Equal(outcome.Dispatched, total.Dispatched);
        Assert.Equal(outcome.AnsweredOnSpot, total.AnsweredOnSpot);
        Assert.Equal(outcome.DispatchedReplied, total.DispatchedReplied);
        Assert.Equal(outcome.DispatchedReplied / (double)outcome.Dispatched, total.EffectiveReplyRate, 9);
        Assert.Equal(outcome.Callbacks, total.Callbacks);
        Assert.Equal(outcome.ServiceSatisfied, total.ServiceSatisfied);
        Assert.Equal(outcome.ResultSatisfied, total.ResultSatisfied);
        Assert.True(total.Urged >= outcome.Late, $"{total.Urged} urged, {outcome.Late} replied late");

        // The report made from these statistics says the same, and how much the year grew.
        var made = await PeriodReport.ReadAsync(engine.Channel, new ReportScope(null, new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1)));
        var markdown = ReportWriters.Markdown(made);
        var html = ReportWriters.Html(made);
        Assert.Equal(0.5, made.Growth!.Value, 9);
        Assert.Contains("| 受理 received | 1,200 | 800 | +50.00% |", markdown, StringComparison.Ordinal);
        foreach (var (kind, count) in report.Count(r => r.Kind))
        {
            var share = PeriodReport.Share(count, ReportYearTickets);
            Assert.Contains($"| {StatsName(kind)} | {count:N0} | {share} |", markdown, StringComparison.Ordinal);
            Assert.Contains($"<td>{StatsName(kind)}</td><td>{count:N0}</td><td>{share}</td>", html, StringComparison.Ordinal);
        }

        Assert.Contains($"| 服务满意率 satisfied with the service | {PeriodReport.Share(outcome.ServiceSatisfied, outcome.Callbacks)} |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| 有效回复率 effective reply rate | {PeriodReport.Percent(outcome.DispatchedReplied / (double)outcome.Dispatched)} |", markdown, StringComparison.Ordinal);
        Assert.Equal(12, made.Months.Count);
        Assert.Equal(ReportYearTickets, made.Months.Sum(m => m.Received));
        Assert.Contains("<svg class=\"bars\"", html, StringComparison.Ordinal);
        Assert.Contains("<polyline", html, StringComparison.Ordinal);
        Assert.Equal("CONTACT_INFORMATION", made.ContactSubKinds[0].Key);

        // The circulated report (通报) counts what the figures count (read as of the same event: steps owed at the end
        // of the replay may still be firing), and lists its steps under its own heading.
        V1.GetCirculatedReportResponse report2026;
        V1.GetStatsResponse figures2026;
        var reads = 0;
        do
        {
            report2026 = await stats.GetCirculatedReportAsync(new V1.GetCirculatedReportRequest { Period = period, PageSize = 1 });
            figures2026 = await stats.GetStatsAsync(new V1.GetStatsRequest { Period = period });
            Assert.True(++reads < 100, "the log kept moving: no report and figures as of the same event");
        }
        while (report2026.AsOfSequence != figures2026.AsOfSequence);

        Assert.Equal((figures2026.Total.Supervised, figures2026.Total.SpeciallySupervised), (report2026.Total.Supervised, report2026.Total.SpeciallySupervised));
        Assert.Equal(report2026.Total.Supervised, report2026.Courts.Sum(c => c.Counts.Supervised));
        var circulated = made.Circulated.Total;
        Assert.Contains("## 通报：督办与专项督办 Circulated report", markdown, StringComparison.Ordinal);
        Assert.Contains($"| 合计 total |  |  | {circulated.Supervised:N0} | {circulated.SpeciallySupervised:N0} |", markdown, StringComparison.Ordinal);

        // Three levels, one number: the high court with the courts under it (every sample court) is the year's total,
        // and its own line in the report by court is only its own tickets.
        var high = await PeriodReport.ReadAsync(engine.Channel, new ReportScope("sh-high", new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1), IncludeSubordinate: true));
        Assert.Equal(ReportYearTickets, high.Total.Received);
        Assert.Equal(ReportYearTickets, high.Courts.Sum(c => c.Now.Received));
        Assert.Equal(byCourt["sh-high"].Received, Assert.Single(high.Courts, c => c.Key == "sh-high").Now.Received);
        Assert.Equal(report.Count(r => r.Court).Count, high.Courts.Count);
        Assert.Contains("sh-high 及下辖法院 with the courts under it", ReportWriters.Markdown(high), StringComparison.Ordinal);
    }

    /// <summary>CONTACT_JUDGE for TicketKind.ContactJudge, as the statistics name it.</summary>
    private static string StatsName<T>(T value)
        where T : struct, System.Enum => EnumNames.ShortName(typeof(T).Name, Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Drives the engine through the years day by day: requests at 09:00, on-time replies at 10:00, late ones
    /// ten days later (past every kind's deadline), callbacks answered at 16:00.</summary>
    private sealed class Replay(EngineInstance engine, FakeTimeProvider clock)
    {
        private const int LateDays = 10;
        private readonly Dictionary<string, string[]> _cases = [];
        private readonly Dictionary<DateOnly, List<(string TicketId, string Judge, int Year)>> _replies = [];
        private readonly Dictionary<string, (SyntheticYear.Request Request, int Year)> _tickets = [];
        private long _phones;

        public Dictionary<int, Outcome> Outcomes { get; } = [];

        public sealed class Outcome
        {
            public long Dispatched { get; set; }

            public long AnsweredOnSpot { get; set; }

            public long DispatchedReplied { get; set; }

            public long Late { get; set; }

            public long Callbacks { get; set; }

            public long ServiceSatisfied { get; set; }

            public long ResultSatisfied { get; set; }
        }

        public async Task RunAsync(SyntheticYear year)
        {
            Outcomes[year.Year] = new Outcome();
            var byDay = year.Requests.ToLookup(r => r.Day);
            var first = new DateOnly(year.Year, 1, 1);
            for (var day = 0; day < (DateTime.IsLeapYear(year.Year) ? 366 : 365); day++)
            {
                var date = first.AddDays(day);
                MoveTo(date, 9);
                foreach (var request in byDay[day])
                {
                    await SubmitAsync(request, year.Year, date);
                }

                await EndOfDayAsync(date);
            }
        }

        /// <summary>Lets the last late replies and callbacks of the last year happen.</summary>
        public async Task FinishAsync()
        {
            var last = _replies.Keys.Max();
            for (var date = DateOnly.FromDateTime(clock.GetLocalNow().DateTime).AddDays(1); date <= last; date = date.AddDays(1))
            {
                await EndOfDayAsync(date);
            }
        }

        private async Task EndOfDayAsync(DateOnly date)
        {
            MoveTo(date, 10);
            foreach (var (ticketId, judge, year) in _replies.GetValueOrDefault(date) ?? [])
            {
                await engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = ticketId, Actor = judge, Reply = "已答复" });
                await engine.Tickets.CloseAsync(new V1.CloseRequest { TicketId = ticketId, Actor = "staff-01" });
                Outcomes[year].DispatchedReplied++;
            }

            MoveTo(date, 16);
            var open = await engine.Tickets.ListTicketsAsync(new V1.ListTicketsRequest { Kind = V1.TicketKind.Callback, State = V1.TicketState.Dispatched, PageSize = 500 });
            foreach (var callback in open.Tickets)
            {
                var (request, year) = _tickets[callback.CallbackOf];
                await engine.Tickets.RecordCallbackAsync(new V1.RecordCallbackRequest
                {
                    TicketId = callback.TicketId, Actor = "staff-09", ServiceSatisfaction = request.Service, ResultSatisfaction = request.Result,
                });
                var outcome = Outcomes[year];
                outcome.Callbacks++;
                outcome.ServiceSatisfied += request.Service == V1.Satisfaction.Satisfied ? 1 : 0;
                outcome.ResultSatisfied += request.Result == V1.Satisfaction.BasicallySatisfied ? 1 : 0;
            }
        }

        private async Task SubmitAsync(SyntheticYear.Request request, int year, DateOnly date)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var submit = new V1.SubmitTicketRequest
            {
                IdempotencyKey = $"{year}-{request.Index}",
                Channel = request.Channel,
                Kind = request.Kind,
                SubKind = request.SubKind,
                Caller = new V1.Caller { Name = "测试当事人", Phone = $"139{++_phones:D8}", Role = V1.CallerRole.Party },
                Content = request.Content,
            };
            if (request.Kind is V1.TicketKind.ContactJudge or V1.TicketKind.OnlineMatter)
            {
                submit.CaseNumber = await CaseOfAsync(request.Court, request.Index);
            }
            else
            {
                submit.CourtId = request.Court;
            }

            var ticket = (await engine.Intake.SubmitTicketAsync(submit)).Ticket;
            _tickets[ticket.TicketId] = (request, year);
            var outcome = Outcomes[year];
            if (ticket.State == V1.TicketState.Dispatched)
            {
                outcome.Dispatched++;
                if (request.Outcome != SyntheticYear.Outcome.Never)
                {
                    var on = request.Outcome == SyntheticYear.Outcome.Late ? date.AddDays(LateDays) : date;
                    outcome.Late += request.Outcome == SyntheticYear.Outcome.Late ? 1 : 0;
                    (_replies.TryGetValue(on, out var list) ? list : _replies[on] = []).Add((ticket.TicketId, ticket.Assignee.Id, year));
                }
            }
            else
            {
                await engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest { TicketId = ticket.TicketId, StaffId = "staff-07", Answer = "已当场解答" });
                outcome.AnsweredOnSpot++;
            }
        }

        /// <summary>One of four cases per court, each with a presiding judge, registered on first use.</summary>
        private async Task<string> CaseOfAsync(string court, int index)
        {
            if (!_cases.TryGetValue(court, out var cases))
            {
                cases = [.. Enumerable.Range(1, 4).Select(_ => SharedEngine.NewCaseNumber(CaseNumbersCourt))];
                for (var i = 0; i < cases.Length; i++)
                {
                    await engine.Cases.UpsertCaseAsync(Requests.Case(cases[i], court, "civil-1", SampleDirectory.JudgeId(court, "civil-1", 1 + (i % 2))));
                }

                _cases[court] = cases;
            }

            return cases[index % cases.Length];
        }

        private void MoveTo(DateOnly date, int hour)
        {
            var at = new DateTimeOffset(date.ToDateTime(new TimeOnly(hour, 0)), Shanghai);
            if (at > clock.GetUtcNow())
            {
                clock.SetUtcNow(at);
            }
        }
    }
}
