using Engine.Tests.Support;
using Microsoft.Playwright;

namespace Engine.Tests.BrowserTests;

public sealed class BrowserSmokeTests
{
    private static readonly LocatorAssertionsToHaveTextOptions Patient = new() { Timeout = 30_000 };

    [Fact]
    public async Task The_dashboard_renders_in_a_real_browser_and_shows_the_running_silo()
    {
        await using var engine = await EngineInstance.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync($"http://127.0.0.1:{engine.DashboardPort}/dashboard/");

        Assert.NotNull(response);
        Assert.True(response.Ok, $"dashboard answered {response.Status}");
        await Assertions.Expect(page).ToHaveTitleAsync("Orleans Dashboard");
        await Assertions.Expect(page.Locator("#menu a[href='#/grains']")).ToHaveTextAsync("Grains", Patient);
        var activeSilos = page.Locator(".info-box-content").Filter(new() { HasText = "Active Silos" }).Locator(".info-box-number");
        await Assertions.Expect(activeSilos).ToHaveTextAsync("1", Patient);
    }
}
