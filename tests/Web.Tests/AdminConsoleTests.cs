using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ShopDapr.EndToEnd.Tests;

namespace ShopDapr.Web.Tests;

/// <summary>The admin console in a real browser: a held order approved, its shipment delivered, stock per SKU.</summary>
public sealed class AdminConsoleTests(ShopFixture shop, BrowserFixture browser)
{
    private static readonly TimeSpan SagaLimit = TimeSpan.FromMinutes(2);
    private readonly SagaClient _api = new(shop);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_approves_a_held_order_and_marks_its_shipment_delivered()
    {
        // An order of 1,000 USD or more is held for approval (docs/architecture.md, the fraud check).
        var admin = await _api.LoginAdminAsync(Ct);
        var product = (await _api.ProductsPricedAsync(150, 900, 1, Ct))[0];
        var quantity = (int)Math.Ceiling(1000m / product.Price);
        await _api.SetStockAsync(admin, product.Sku, 100, Ct);
        var (customer, orderId) = await _api.PlaceOrderAsync("held", product.Id, quantity, SagaClient.ApprovingCard, Ct);
        await _api.AwaitStatusAsync(customer, orderId, "AwaitingApproval", SagaLimit, Ct);
        var shortId = orderId.ToString()[..8];

        var (email, password) = await AdminAccountAsync();
        await using var console = await Shopper.OpenAsync(browser, shop);
        await console.SignInAsync(email, password, "/admin/orders");
        var page = console.Page;
        await console.CheckedAsync("admin-orders");
        await page.GetByLabel("Status").SelectOptionAsync("AwaitingApproval");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync("**status=AwaitingApproval**");
        await page.GetByRole(AriaRole.Link, new() { Name = shortId }).ClickAsync();
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("AwaitingApproval");
        await Assertions.Expect(page.Locator(".history")).ToContainTextAsync("OrderAwaitingApproval");
        await console.CheckedAsync("admin-order-held");

        await page.GetByLabel("Reason (shown to the customer when rejected)").FillAsync("Known customer, called back");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved");
        await _api.AwaitStatusAsync(customer, orderId, "Completed", SagaLimit, Ct);

        await console.GoAsync("/admin/shipments");
        await console.CheckedAsync("admin-shipments");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Mark delivered order {shortId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Order {shortId} is marked delivered.");
        await _api.AwaitStatusAsync(customer, orderId, "Delivered", SagaLimit, Ct);

        await console.GoAsync($"/admin/stock?sku={Uri.EscapeDataString(product.Sku)}");
        await Assertions.Expect(page.Locator("#on-hand")).ToHaveTextAsync((100 - quantity).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Units on hand").FillAsync("75");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set stock" }).ClickAsync();
        await Assertions.Expect(page.Locator("#on-hand")).ToHaveTextAsync("75");
        await console.CheckedAsync("admin-stock");
        Assert.Equal(75, (await _api.GetStockAsync(admin, product.Sku, Ct)).OnHand);
    }

    [Fact]
    public async Task A_customer_in_the_admin_console_is_told_in_words_and_changes_nothing()
    {
        var admin = await _api.LoginAdminAsync(Ct);
        var product = (await _api.ProductsPricedAsync(1, 100_000, 1, Ct))[0];
        var before = await _api.SetStockAsync(admin, product.Sku, 30, Ct);
        var (_, email) = await _api.NewCustomerAsync("curious", Ct);
        await using var shopper = await Shopper.OpenAsync(browser, shop);
        await shopper.SignInAsync(email, Shopper.Password, "/products");

        var page = shopper.Page;
        var denied = await page.GotoAsync("/admin/orders");
        Assert.Equal(403, denied!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This needs an administrator");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
        await shopper.CheckedAsync("problem");

        // The stock form posted anyway (with this customer's own antiforgery token): the API's refusal, in words.
        var form = shopper.Context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync());
        form.Set("Sku", product.Sku);
        form.Set("OnHand", "0");
        var refused = await shopper.Context.APIRequest.PostAsync("/admin/stock", new() { Form = form });
        Assert.Contains("This needs an administrator", await refused.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(before.OnHand, (await _api.GetStockAsync(admin, product.Sku, Ct)).OnHand);
    }

    [Fact]
    public async Task An_admin_sees_the_keys_with_their_versions_and_the_trends_and_models_as_charts()
    {
        var admin = await _api.LoginAdminAsync(Ct);
        // A shopper looks at a product: analytics counts the view, so something is trending.
        var viewed = (await _api.ProductsPricedAsync(1, 100_000, 1, Ct))[0];
        (await _api.Http.GetAsync($"/api/catalog/products/{viewed.Id}", Ct)).EnsureSuccessStatusCode();
        await AwaitTrendingAsync(admin);
        var models = (await _api.GetAsync<JsonObject>(admin, "/api/analytics/models", Ct))!["items"]!.AsArray();
        var keys = (await _api.GetAsync<JsonObject>(admin, "/api/keys", Ct))!["items"]!.AsArray();
        Assert.NotEmpty(keys); // the shop provisions its signing and card-vault keys on start

        var (email, password) = await AdminAccountAsync();
        await using var console = await Shopper.OpenAsync(browser, shop);
        await console.SignInAsync(email, password, "/admin/keys");
        var page = console.Page;
        await Assertions.Expect(page.Locator("#audit-result")).ToContainTextAsync("Verified");
        var rows = page.GetByRole(AriaRole.Table).First.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(keys.Count);
        await console.CheckedAsync("admin-keys");
        var first = keys[0]!["name"]!.GetValue<string>();
        await page.GetByRole(AriaRole.Link, new() { Name = first, Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/admin/keys?key={first}");
        await Assertions.Expect(page.Locator("#key-versions tbody tr")).ToHaveCountAsync(keys[0]!["versions"]!.AsArray().Count);
        await Assertions.Expect(page.Locator("#key-versions tbody tr").First).ToContainTextAsync("Active");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Admin console" }).GetByRole(AriaRole.Link, new() { Name = "Analytics" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/analytics");
        // The chart draws one bar per product of the table, which lists the top ten analytics answered (the catalog names
        // them); other tests' views keep arriving, so the count is the page's to say, within its ten.
        var trendingRows = page.Locator("#trending-table tbody tr");
        Assert.InRange(await trendingRows.CountAsync(), 1, 10);
        Assert.Equal(await trendingRows.CountAsync(), await page.Locator("#trending-chart .bar").CountAsync());
        await Assertions.Expect(page.Locator("#trending-chart")).ToHaveAttributeAsync("role", "img");
        if (models.Count == 0)
            await Assertions.Expect(page.GetByText("No model has been trained yet")).ToBeVisibleAsync();
        else
        {
            await Assertions.Expect(page.Locator("#models-table tbody tr")).ToHaveCountAsync(models.Count);
            await Assertions.Expect(page.Locator("#hit-rate-chart .bar")).ToHaveCountAsync(models.Count);
            await Assertions.Expect(page.Locator("#models-table tbody tr").First).ToContainTextAsync(models[0]!["version"]!.GetValue<string>());
        }
        await console.CheckedAsync("admin-analytics");

        var letters = (await _api.GetAsync<JsonObject>(admin, "/api/orders/admin/deadletters?pageSize=50", Ct))!["items"]!.AsArray();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Admin console" }).GetByRole(AriaRole.Link, new() { Name = "Dead letters" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/deadletters");
        if (letters.Count == 0)
            await Assertions.Expect(page.Locator("#no-deadletters")).ToBeVisibleAsync();
        else
            Assert.True(await page.Locator("#deadletters tbody tr").CountAsync() >= letters.Count, "the page lists fewer dead letters than the API has");
        await console.CheckedAsync("admin-deadletters");
    }

    /// <summary>Waits until something trends over the last day: the view has reached analytics (through the broker).</summary>
    private async Task AwaitTrendingAsync(string admin)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var total = (await _api.GetAsync<JsonObject>(admin, "/api/trending?window=day", Ct))!["total"]!.GetValue<int>();
            if (total > 0)
                return;
            Assert.True(DateTime.UtcNow < deadline, "nothing trends 30 s after a product view");
            await Task.Delay(250, Ct);
        }
    }

    private async Task<(string Email, string Password)> AdminAccountAsync()
    {
        var secrets = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(shop.RepoRoot, "components/local/secrets.json"), Ct))!;
        return (secrets["admin-email"]!.GetValue<string>(), secrets["admin-password"]!.GetValue<string>());
    }
}
