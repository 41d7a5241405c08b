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

        var overdue = page.Locator($"#overdue tbody tr[data-ticket-id='{late.TicketId}']");
        await Assertions.Expect(overdue).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(overdue.Locator("td.overdue-for")).ToHaveTextAsync(new Regex(@"^0:\d\d:\d\d$"), new() { Timeout = Patience });
        await Assertions.Expect(overdue.Locator($"span[title='{Division}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(overdue.Locator($"span[title='{Judge(1)}']")).ToHaveCountAsync(1, new() { Timeout = Patience });

        foreach (var step in new[] { "URGING", "SUPERVISION", "SPECIAL_SUPERVISION" })
        {
            var row = page.Locator($"#steps tbody tr[data-ticket-id='{late.TicketId}'][data-step='{step}']");
            await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = Patience });
        }

        var supervised = page.Locator($"#steps tbody tr[data-ticket-id='{late.TicketId}'][data-step='SUPERVISION']");
        await Assertions.Expect(supervised.Locator($"span.recipient[title='{SampleDirectory.HeadId(Court, Division)}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(supervised.Locator($"span.recipient[title='{SampleDirectory.VicePresidentId(Court)}']")).ToHaveCountAsync(1, new() { Timeout = Patience });

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
        await Assertions.Expect(overdue).ToHaveCountAsync(1, new() { Timeout = Patience });

        await overdue.Locator("a.ticket").ClickAsync();
        await Assertions.Expect(page.Locator("#timeline")).ToBeVisibleAsync(new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#timeline-title")).ToContainTextAsync(late.TicketId, new() { Timeout = Patience });
        foreach (var action in new[] { "received", "dispatched", "deadline.urging", "deadline.supervision", "deadline.special_supervision" })
        {
            await Assertions.Expect(page.Locator($"#history tbody tr[data-action='{action}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        }

        await Assertions.Expect(page.Locator($"#deadlines tbody tr[data-step='URGING'] span.recipient[title='{Judge(1)}']")).ToHaveCountAsync(1, new() { Timeout = Patience });
        Assert.Equal("never reloaded", await page.EvaluateAsync<string>("() => window.sameDocument"));
        Assert.Empty(dialogs);
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

        foreach (var path in new[] { "/supervision", "/supervision/api/overdue", "/dashboard/" })
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
