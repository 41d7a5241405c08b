using Engine.Domain;
using Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using V1 = Engine.V1;

namespace Engine.Tests.BrowserTests;

/// <summary>The supervision page's banner for a missing working calendar (the rest of the warning is
/// EndToEnd/CalendarWarningTests).</summary>
public sealed class CalendarBannerTests
{
    [Fact]
    public async Task The_supervision_page_leads_with_a_banner_until_the_calendar_is_put()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        await using var engine = await EngineInstance.StartWithServicesAsync(services => services.AddKeyedSingleton<TimeProvider>(EngineClock.Key, clock));
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{engine.DashboardPort}/supervision");

        var banner = page.Locator("#notices");
        await Microsoft.Playwright.Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Microsoft.Playwright.Assertions.Expect(banner).ToContainTextAsync("2027");

        await new V1.CalendarService.CalendarServiceClient(engine.Channel).PutCalendarAsync(new V1.PutCalendarRequest
        {
            Json = """{ "about": "test calendar", "year": 2027, "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ], "workdays": [] }""",
        });
        await Microsoft.Playwright.Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
    }
}
