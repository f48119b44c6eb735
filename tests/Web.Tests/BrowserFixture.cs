using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(ShopDapr.Web.Tests.BrowserFixture))]

namespace ShopDapr.Web.Tests;

/// <summary>
/// One headless Chromium for the suite: Debian's <c>chromium</c> package (tests/apt-packages.txt), driven by the
/// Playwright driver that ships inside the Microsoft.Playwright package — nothing is downloaded at run time.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian installs Chromium; <c>SHOP_CHROMIUM</c> may name another build.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("SHOP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: apt-get install -y chromium (test.sh installs it)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
