using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ShopDapr.EndToEnd.Tests;

namespace ShopDapr.Web.Tests;

/// <summary>
/// One person in their own browser context (own cookies) on the shop's gateway URL. Every page it reaches through
/// <see cref="CheckedAsync"/> is screenshotted (beside the test dll, <c>screenshots/</c>) and checked with axe-core.
/// </summary>
public sealed class Shopper(IBrowserContext context, IPage page, ShopFixture shop) : IAsyncDisposable
{
    public static readonly string ScreenshotDir = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public const string Password = "Corr3ct-Horse-Battery";

    public IPage Page { get; } = page;

    /// <summary>The browser context: its <see cref="IBrowserContext.APIRequest"/> sends requests with this shopper's cookies.</summary>
    public IBrowserContext Context { get; } = context;

    public static async Task<Shopper> OpenAsync(BrowserFixture browser, ShopFixture shop)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = shop.Http.BaseAddress!.ToString(),
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return new Shopper(context, await context.NewPageAsync(), shop);
    }

    public async Task GoAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        Assert.True(response is { Ok: true }, $"GET {path}: {response?.Status}\n{LogTail()}");
    }

    /// <summary>Saves a screenshot named <paramref name="name"/> and fails on any serious or critical axe-core violation.</summary>
    public async Task CheckedAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotDir);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, $"{name}.png"), FullPage = true });
        var axe = await Page.RunAxe();
        var bad = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.True(bad.Count == 0, $"axe-core on {name} ({Page.Url}):\n{string.Join('\n', bad)}");
    }

    public async Task SignUpAsync(string name, string email)
    {
        await GoAsync("/account/signup");
        await CheckedAsync("sign-up");
        await Page.GetByLabel("Name").FillAsync(name);
        await Page.GetByLabel("E-mail").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Page.WaitForURLAsync("**/products");
    }

    public async Task SignInAsync(string email, string password, string next)
    {
        await GoAsync($"/account/signin?returnUrl={Uri.EscapeDataString(next)}");
        await Page.GetByLabel("E-mail").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForURLAsync($"**{next}");
    }

    public async Task AddToCartAsync(Guid productId, int quantity)
    {
        await GoAsync($"/products/{productId}");
        await Page.GetByLabel("Quantity").FillAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Page.WaitForURLAsync("**/cart");
    }

    /// <summary>Fills the checkout form (a US address, <paramref name="card"/>) on the open checkout page.</summary>
    public async Task FillCheckoutAsync(string card)
    {
        await Page.GetByLabel("Full name").FillAsync("Ada Shopper");
        await Page.GetByLabel("Street").FillAsync("1 Main Street");
        await Page.GetByLabel("City").FillAsync("Springfield");
        await Page.GetByLabel("Postal code").FillAsync("12345");
        await Page.GetByLabel("Country (two letters)").FillAsync("US");
        await Page.GetByLabel("Card number").FillAsync(card);
        await Page.GetByLabel("Expiry (MM/YY)").FillAsync("12/34");
        await Page.GetByLabel("Security code (CVC)").FillAsync("123");
    }

    /// <summary>The order id of the order page the browser is on.</summary>
    public async Task<Guid> AwaitOrderPageAsync()
    {
        await Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/orders/[0-9a-f-]{36}$"));
        return Guid.Parse(Page.Url[^36..]);
    }

    public string LogTail() => "--- shop log (tail) ---\n" + string.Join('\n', shop.Log.Split('\n').TakeLast(60));

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
