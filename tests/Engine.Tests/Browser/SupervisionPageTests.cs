using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Api;
using Engine.Silo;
using Engine.Tests.Support;
using Microsoft.Playwright;
using V1 = Engine.V1;

namespace Engine.Tests.BrowserTests;

/// <summary>
/// The supervision page (/supervision on the dashboard's HTTP/1.1 endpoint) in a real headless Chromium against a
/// running engine whose contact-judge tickets are due in seconds: a ticket falls overdue, is urged and supervised
/// while the page is open, and the page shows it without a reload. Then what the public writes stays text, and the
/// page and the dashboard ask for an admin's or supervisor's key when authentication is required.
/// </summary>
public sealed class SupervisionPageTests(ContactJudgeDrill drill) : IClassFixture<ContactJudgeDrill>
{
    private const string Court = "sh-pudong";
    private const string Division = "civil-1";
    private const float Patience = 30_000;

    private readonly EngineInstance _engine = drill.Instance;

    private string PageUrl => $"http://127.0.0.1:{_engine.DashboardPort}/supervision";

    private static string Judge(int n) => SampleDirectory.JudgeId(Court, Division, n);

    private static string Today => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"))
        .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_ticket_falling_overdue_shows_up_live_with_its_urging_and_supervision_its_rates_and_its_timeline()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var dialogs = WatchDialogs(page);
        await page.GotoAsync(PageUrl);
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("live", new() { Timeout = Patience });
        await page.EvaluateAsync("() => { window.sameDocument = 'never reloaded'; }");

        var onTime = await SubmitAsync(Judge(2));
        await _engine.Tickets.ReplyAsync(new V1.ReplyRequest { TicketId = onTime.TicketId, Actor = Judge(2), Reply = "已排期" });
        var late = await SubmitAsync(Judge(1));

        // The page opens on the figures: the court's row counts the late ticket, and its overdue figure is a link
        // to the list behind it.
        Assert.Equal("figures-section", await page.EvaluateAsync<string>("() => document.querySelector('main section').id"));
        var courtRow = page.Locator($"#figures tbody tr[data-key='{Court}']");
        await Assertions.Expect(courtRow.Locator("a[data-figure='supervised_today']")).Not.ToHaveTextAsync("0", new() { Timeout = Patience });
        await Assertions.Expect(courtRow.Locator("a[data-figure='urged_today']")).Not.ToHaveTextAsync("0", new() { Timeout = Patience });

        // Other tests' tickets may fill the court's first page: the judge filter narrows it on the server.
        await courtRow.Locator("a[data-figure='overdue_now']").ClickAsync();
        await SelectJudgeAsync(page, Judge(1));
        var overdue = page.Locator($"#list[data-list='overdue'] tbody tr[data-ticket-id='{late.TicketId}']");
        await Assertions.Expect(overdue).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(overdue.Locator("td.overdue-for")).ToHaveTextAsync(new Regex(@"^0:\d\d:\d\d$"), new() { Timeout = Patience });
        await Assertions.Expect(overdue.Locator($"span[title='{Division}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(overdue.Locator($"td.judge span[title='{Judge(1)}']")).Not.ToHaveTextAsync(Judge(1), new() { Timeout = Patience });
        Assert.DoesNotContain("CONTACT_", await page.Locator("#list tbody").InnerTextAsync(), StringComparison.Ordinal);

        // Urged today: the steps list, filtered on the server to urging.
        await courtRow.Locator("a[data-figure='urged_today']").ClickAsync();
        await Assertions.Expect(page.Locator($"#list[data-list='steps'] tbody tr[data-ticket-id='{late.TicketId}'][data-step='URGING']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#list tbody tr[data-step='SUPERVISION']")).ToHaveCountAsync(0);
        await courtRow.Locator("a[data-figure='supervised_today']").ClickAsync();
        foreach (var step in new[] { "SUPERVISION", "SPECIAL_SUPERVISION" })
        {
            await Assertions.Expect(page.Locator($"#list tbody tr[data-ticket-id='{late.TicketId}'][data-step='{step}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        }

        await Assertions.Expect(page.Locator("#list tbody tr[data-step='URGING']")).ToHaveCountAsync(0);
        await page.Locator("#figures-section").ScreenshotAsync(new() { Path = Screenshot("figures") });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"supervision-page-{Guid.NewGuid():N}.png"), FullPage = true });

        foreach (var series in new[] { "effective_reply_rate", "on_time_rate" })
        {
            await Assertions.Expect(page.Locator($"#daily-chart circle[data-series='{series}'][data-day='{Today}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
            await Assertions.Expect(page.Locator($"#daily-chart path[data-series='{series}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
            await Assertions.Expect(page.Locator($"#group-chart rect.bar[data-series='{series}'][data-key='{Court}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        }

        await Assertions.Expect(page.Locator($"#court option[value='{Court}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await page.SelectOptionAsync("#court", Court);
        await Assertions.Expect(page.Locator($"#group-chart rect.bar[data-series='on_time_rate'][data-key='{Division}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator($"#group-chart rect.bar[data-key='{Court}']")).ToHaveCountAsync(0, new() { Timeout = Patience });
        await page.Locator($"#figures tbody tr[data-key='{Division}'] a[data-figure='overdue_now']").ClickAsync();
        await SelectJudgeAsync(page, Judge(1));
        await Assertions.Expect(overdue).ToHaveCountAsync(1, new() { Timeout = Patience });

        await overdue.Locator("a.ticket").ClickAsync();
        await Assertions.Expect(page.Locator("#timeline")).ToBeVisibleAsync(new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#timeline-title")).ToContainTextAsync(late.TicketId, new() { Timeout = Patience });
        foreach (var action in new[] { "received", "dispatched", "deadline.urging", "deadline.supervision", "deadline.special_supervision" })
        {
            await Assertions.Expect(page.Locator($"#history tbody tr[data-action='{action}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        }

        await Assertions.Expect(page.Locator($"#deadlines tbody tr[data-step='URGING'] span.recipient[title='{Judge(1)}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await page.Locator("#timeline-section").ScreenshotAsync(new() { Path = Screenshot("timeline") });
        Assert.Equal("never reloaded", await page.EvaluateAsync<string>("() => window.sameDocument"));
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task A_high_court_with_the_courts_under_it_shows_their_circulated_report_and_satisfaction()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var late = await SubmitAsync(Judge(1));
        await page.GotoAsync(PageUrl);
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("live", new() { Timeout = Patience });

        // The high court has no ticket of its own: with the courts under it, Pudong's supervised ticket is its 通报.
        await Assertions.Expect(page.Locator("#court option[value='sh-high']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await page.SelectOptionAsync("#court", "sh-high");
        await page.CheckAsync("#subordinate");
        var steps = page.Locator($"#circulated-steps tbody tr[data-ticket-id='{late.TicketId}']");
        await Assertions.Expect(steps).ToHaveCountAsync(2, new() { Timeout = Patience });
        await Assertions.Expect(steps.Locator("span.step.SPECIAL_SUPERVISION")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"#circulated-groups tbody tr.court[data-court='{Court}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator($"#circulated-groups tbody tr.judge[data-judge='{Judge(1)}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#circulated-scope")).ToContainTextAsync("及下辖法院", new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#satisfaction-scope")).ToContainTextAsync("及下辖法院", new() { Timeout = Patience });
        await ScreenshotTopAsync(page, "#circulated-section", "circulated");

        await page.UncheckAsync("#subordinate");
        await Assertions.Expect(steps).ToHaveCountAsync(0, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#circulated-empty")).ToBeVisibleAsync(new() { Timeout = Patience });
    }

    [Fact]
    public async Task A_drill_down_list_is_paged_and_sorted_by_the_engine()
    {
        // 51 tickets of one judge fall overdue (with those of the other tests, still less than two pages).
        var judge = Judge(2);
        var tickets = new List<string>();
        for (var i = 0; i < 51; i++)
        {
            tickets.Add((await SubmitAsync(judge)).TicketId);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_engine.DashboardPort}") };
        var url = $"/supervision/api/lists/overdue?court={Court}&judge={judge}";
        await Eventually.TrueAsync(
            async () => JsonDocument.Parse(await http.GetStringAsync(url)).RootElement.GetProperty("total").GetInt64() >= 51, "51 tickets overdue", Patience_);
        var total = JsonDocument.Parse(await http.GetStringAsync(url)).RootElement.GetProperty("total").GetInt64();

        using var first = JsonDocument.Parse(await http.GetStringAsync(url + "&limit=2"));
        var next = first.RootElement.GetProperty("next").GetString();
        using var second = JsonDocument.Parse(await http.GetStringAsync(url + $"&limit=2&after={next}"));
        Assert.Equal(2, first.RootElement.GetProperty("rows").GetArrayLength());
        Assert.DoesNotContain(Ids(second), Ids(first));
        using var bad = await http.GetAsync(url + "&sort=court&after=" + next);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{PageUrl}#list=overdue&court={Court}&judge={judge}");
        await Assertions.Expect(page.Locator("#list[data-page='1'] tbody tr")).ToHaveCountAsync(50, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#page-info")).ToContainTextAsync("1 / 2", new() { Timeout = Patience });
        var oldest = await page.Locator("#list tbody tr").First.GetAttributeAsync("data-ticket-id");

        await page.ClickAsync("#page-next");
        await Assertions.Expect(page.Locator("#list[data-page='2'] tbody tr")).ToHaveCountAsync((int)total - 50, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#page-next")).ToBeDisabledAsync();
        var last = await page.Locator("#list tbody tr").Last.GetAttributeAsync("data-ticket-id");
        Assert.NotEqual(oldest, last);

        await page.SelectOptionAsync("#f-order", "desc");
        await Assertions.Expect(page.Locator("#list[data-page='1'] tbody tr").First).ToHaveAttributeAsync("data-ticket-id", last!, new() { Timeout = Patience });
        await page.Locator("#list-section").ScreenshotAsync(new() { Path = Screenshot("list") });
    }

    [Fact]
    public async Task What_the_public_wrote_shows_as_text_and_never_runs()
    {
        const string content = "<img src=x onerror=alert(1)>";
        const string reason = "<script>alert(2)</script>转交";
        var ticket = await SubmitAsync(Judge(1), content);
        await _engine.Tickets.TransferAsync(new V1.TransferRequest
        {
            TicketId = ticket.TicketId, Actor = Judge(1), Reason = reason,
            To = new V1.Assignee { Type = V1.AssigneeType.Judge, Id = Judge(2), CourtId = Court },
        });
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var dialogs = WatchDialogs(page);

        await page.GotoAsync($"{PageUrl}#ticket={ticket.TicketId}");

        await Assertions.Expect(page.Locator("#timeline-summary dd").Filter(new() { HasText = content })).ToHaveTextAsync(content, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#history tbody tr[data-action='transferred'] td.text")).ToHaveTextAsync(reason, new() { Timeout = Patience });
        Assert.Equal(0, await page.Locator("main img, main script").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Json_answers_escape_markup_and_are_never_taken_for_html()
    {
        const string content = "<script>alert('x')</script> & \"引号\"";
        var ticket = await SubmitAsync(Judge(1), content);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_engine.DashboardPort}") };

        using var answer = await http.GetAsync($"/supervision/api/tickets/{ticket.TicketId}");
        var body = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
        Assert.DoesNotContain('<', body);
        Assert.DoesNotContain('>', body);
        Assert.DoesNotContain('&', body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(content, json.RootElement.GetProperty("content").GetString());
        Assert.Equal("CONTACT_JUDGE", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("received", json.RootElement.GetProperty("history")[0].GetProperty("action").GetString());

        using var pageAnswer = await http.GetAsync("/supervision");
        Assert.Equal("text/html", pageAnswer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", Assert.Single(pageAnswer.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        using var malformed = await http.GetAsync("/supervision/api/tickets/%3Cb%3E");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.DoesNotContain('<', await malformed.Content.ReadAsStringAsync());
        using var unknown = await http.GetAsync($"/supervision/api/tickets/T{new string('0', 26)}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Behind_authentication_the_page_and_the_dashboard_answer_only_admin_and_supervisor_keys()
    {
        var port = FreePorts.Next();
        await using var engine = await EngineInstance.StartAsync(null, "--dashboard", $"0.0.0.0:{port}", Keys.RequiredArg);
        var supervisor = await engine.CreateKeyAsync(V1.AccessRole.Supervisor);
        var limited = await engine.CreateKeyAsync(V1.AccessRole.Supervisor, new V1.AccessScope { CourtIds = { Court } });
        var channel = await engine.CreateKeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Web } });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        foreach (var path in new[] { "/supervision", "/supervision/api/overdue", "/supervision/api/figures", "/supervision/api/lists/steps", "/dashboard/" })
        {
            using var anonymous = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", Assert.Single(anonymous.Headers.WwwAuthenticate).Scheme);
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, path, "supervisor", supervisor[..^2] + "xx"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, path, "web", channel));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, path, "pudong", limited));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, path, "anyone", supervisor));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, path, "admin", engine.AdminKey()));
        }

        // Routing finds the page by the Host header: a caller of the gRPC port may name the page's port in it.
        using var sideways = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellation) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, engine.GrpcPort, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var h2c = new HttpClient(sideways) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var answer = await h2c.GetAsync($"http://127.0.0.1:{port}/supervision/api/overdue");
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }

    [Fact]
    public async Task The_knowledge_panel_shows_the_hit_rate_the_self_service_searches_the_most_used_entries_and_the_gaps()
    {
        // Only this test of the class searches the knowledge base, so the figures are its own. A few other entries
        // make the words of the first one rare enough to score as a good answer.
        var entry = "kb-page-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (id, question) in new[] { (entry, "网上怎么交诉讼费？"), (entry + "-a", "浦东法院停车场在哪里？"), (entry + "-b", "怎样查阅档案？"), (entry + "-c", "开庭时间怎么查？") })
        {
            await _engine.Knowledge.CreateEntryAsync(new V1.CreateEntryRequest
            {
                EntryId = id, Content = new V1.KnowledgeContent { Question = question, Answer = "请咨询诉讼服务中心。", Author = "test" },
            });
        }

        var found = await PublicSearchAsync("网上怎么交诉讼费");
        Assert.True(found.Answers[0].Good);
        foreach (var text in new[] { "离婚冷静期多久", "离婚财产怎么分割" })
        {
            Assert.DoesNotContain((await PublicSearchAsync(text)).Answers, a => a.Good);
        }

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(PageUrl + "#knowledge-section");
        var figures = page.Locator("#knowledge-figures");
        await Assertions.Expect(figures.Locator("[data-figure='self_service'] dd")).ToHaveTextAsync("3", new() { Timeout = Patience });
        await Assertions.Expect(figures.Locator("[data-figure='hit_rate'] dd")).ToHaveTextAsync("33.3% 1/3", new() { Timeout = Patience });
        await Assertions.Expect(figures.Locator("[data-figure='gap_questions'] dd")).ToHaveTextAsync("2", new() { Timeout = Patience });
        await Assertions.Expect(figures.Locator("[data-figure='hit_rate'] dt")).ToHaveTextAsync("命中率 Hit rate");
        await Assertions.Expect(page.Locator($"#knowledge-courts tbody tr[data-key='{Court}'] td").Last).ToHaveTextAsync("33.3%");
        await Assertions.Expect(page.Locator("#knowledge-kinds tbody tr[data-key='CONSULTATION'] th")).ToHaveTextAsync("咨询");
        await Assertions.Expect(page.Locator($"#knowledge-most-used tbody tr[data-entry-id='{entry}'] th")).ToHaveTextAsync("网上怎么交诉讼费？");
        await Assertions.Expect(page.Locator("#knowledge-gaps tbody tr").First).ToHaveAttributeAsync("data-word", "离婚");
        await Assertions.Expect(page.Locator("#knowledge-gaps tbody tr[data-word='离婚'] td").First).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#sections a[href='#knowledge-section']")).ToHaveCountAsync(1);
        await ScreenshotTopAsync(page, "#knowledge-section", "knowledge");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_engine.DashboardPort}") };
        using var bad = await http.GetAsync("/supervision/api/knowledge?days=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("days", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static readonly TimeSpan Patience_ = TimeSpan.FromSeconds(30);

    private static async Task SelectJudgeAsync(IPage page, string judge)
    {
        await Assertions.Expect(page.Locator($"#f-judge option[value='{judge}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await page.SelectOptionAsync("#f-judge", judge);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"judge={Regex.Escape(Uri.EscapeDataString(judge))}"), new() { Timeout = Patience });
    }

    private static string[] Ids(JsonDocument page) =>
        [.. page.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("ticket_id").GetString()!)];

    /// <summary>Screenshots a section, at most its first 1,400 pixels (a long table would make a picture too tall to
    /// read in the docs).</summary>
    private static async Task ScreenshotTopAsync(IPage page, string selector, string name)
    {
        var section = page.Locator(selector);
        await section.ScrollIntoViewIfNeededAsync();
        var box = await section.BoundingBoxAsync() ?? throw new InvalidOperationException(selector + " is not on the page");
        var scrollY = await page.EvaluateAsync<float>("() => window.scrollY");
        await page.ScreenshotAsync(new()
        {
            Path = Screenshot(name),
            FullPage = true,
            Clip = new() { X = box.X, Y = box.Y + scrollY, Width = box.Width, Height = Math.Min(box.Height, 1400) },
        });
    }

    /// <summary>Where a screenshot goes: docs/images of the repository when ENGINE_SCREENSHOTS=1 (how the pictures in
    /// docs/supervision.md are made), else the test's temporary directory.</summary>
    private static string Screenshot(string name) => Environment.GetEnvironmentVariable("ENGINE_SCREENSHOTS") == "1"
        ? Path.Combine(RepositoryRoot(), "docs", "images", $"supervision-{name}.png")
        : Path.Combine(Path.GetTempPath(), $"supervision-{name}-{Guid.NewGuid():N}.png");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("not under the repository");
        }

        return directory.FullName;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var answer = await http.SendAsync(request);
        return answer.StatusCode;
    }

    private static List<string> WatchDialogs(IPage page)
    {
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            lock (dialogs)
            {
                dialogs.Add(dialog.Message);
            }

            _ = dialog.DismissAsync();
        };
        return dialogs;
    }

    private async Task<V1.PublicSearchResponse> PublicSearchAsync(string text) =>
        await _engine.Knowledge.PublicSearchAsync(new V1.PublicSearchRequest { Text = text, CourtId = Court, Channel = V1.Channel.Web });

    private async Task<V1.Ticket> SubmitAsync(string judge, string? content = null)
    {
        var caseNumber = SharedEngine.NewCaseNumber();
        await _engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, Division, judge));
        var request = Requests.ContactJudge(caseNumber);
        request.Content = content ?? request.Content;
        var ticket = (await _engine.Intake.SubmitTicketAsync(request)).Ticket;
        Assert.Equal(judge, ticket.Assignee.Id);
        return ticket;
    }
}
