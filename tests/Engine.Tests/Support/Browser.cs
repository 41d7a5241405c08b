using Microsoft.Playwright;

namespace Engine.Tests.Support;

/// <summary>
/// A real headless Chromium for browser tests: the machine's Debian <c>chromium</c> (<see cref="DefaultExecutable"/>,
/// or the path in <see cref="ExecutableVariable"/>) driven by Playwright's bundled driver, so no browser is ever
/// downloaded. Launched without the sandbox so it runs as root in a container. A missing browser fails the test
/// with the install command; it never skips it. Each <see cref="NewPageAsync"/> is a page in its own context
/// (no shared cookies or storage).
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string DefaultExecutable = "/usr/bin/chromium";

    public const string ExecutableVariable = "ENGINE_TEST_CHROMIUM";

    private static readonly string[] ContainerArgs = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>The browser in use: <see cref="ExecutableVariable"/> if set, else <see cref="DefaultExecutable"/>.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : DefaultExecutable;

    public static async Task<Browser> LaunchAsync()
    {
        var executable = ExecutablePath;
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException(
                $"Chromium was not found at {executable} (the browser tests use {DefaultExecutable}, or the path in {ExecutableVariable}). " +
                "Install Debian's chromium: apt-get update && apt-get install -y chromium (with sudo when not root).",
                executable);
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                ChromiumSandbox = false,
                Args = ContainerArgs,
            });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh page in a new browser context; closed with the browser.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync();
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.DisposeAsync();
        }
        finally
        {
            _playwright.Dispose();
        }
    }
}
