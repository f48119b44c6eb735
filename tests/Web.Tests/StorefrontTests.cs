using System.Globalization;
using Microsoft.Playwright;
using ShopDapr.EndToEnd.Tests;

namespace ShopDapr.Web.Tests;

/// <summary>The storefront in a real browser, against the whole shop through its gateway.</summary>
public sealed class StorefrontTests(ShopFixture shop, BrowserFixture browser)
{
    private static readonly TimeSpan SagaLimit = TimeSpan.FromMinutes(2);
    private readonly SagaClient _api = new(shop);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_customer_signs_up_browses_searches_fills_a_cart_and_follows_the_order_to_Completed()
    {
        var products = await StockedProductsAsync(5, 100, 2);
        await using var shopper = await Shopper.OpenAsync(browser, shop);
        await shopper.SignUpAsync("Ada", $"ada-{Guid.NewGuid():N}@example.com");
        var page = shopper.Page;

        // Browse: a price filter with sorting, then the next page.
        await shopper.GoAsync("/products");
        await shopper.CheckedAsync("products");
        await page.GetByLabel("Highest price").FillAsync("50");
        await page.GetByLabel("Sort by").SelectOptionAsync("price");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await page.WaitForURLAsync("**maxPrice=50**");
        var prices = (await page.Locator(".products .price").AllInnerTextsAsync()).Select(Price).ToList();
        Assert.NotEmpty(prices);
        Assert.All(prices, p => Assert.True(p <= 50m, $"{p} is above the filter's 50"));
        Assert.Equal(prices.Order(), prices);
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page.Locator(".pager")).ToContainTextAsync("Page 2 of");
        Assert.All((await page.Locator(".products .price").AllInnerTextsAsync()).Select(Price), p => Assert.True(p >= prices[^1]));

        // Search with a typo: the API's typo tolerance still finds the word, with facets.
        var word = products[0].Name.Split(' ').First(w => w.Length >= 5 && w.All(char.IsLetter));
        await shopper.GoAsync($"/search?q={Uri.EscapeDataString(word.Remove(1, 1))}");
        await shopper.CheckedAsync("search");
        var names = await page.Locator(".products h2").AllInnerTextsAsync();
        Assert.Contains(names, n => n.Contains(word, StringComparison.OrdinalIgnoreCase));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Refine" })).ToBeVisibleAsync();

        // The product page shows the stock inventory published (it reaches the catalog asynchronously).
        await shopper.GoAsync($"/products/{products[0].Id}");
        await Assertions.Expect(page.Locator("#availability")).ToHaveTextAsync("In stock (50 available)", new() { Timeout = 30_000 });
        await shopper.CheckedAsync("product");

        // The cart: quantities and the total.
        await shopper.AddToCartAsync(products[0].Id, 2);
        await shopper.AddToCartAsync(products[1].Id, 1);
        var total = 2 * products[0].Price + products[1].Price;
        await Assertions.Expect(page.Locator("#cart-total")).ToHaveTextAsync(Money(total));
        await shopper.CheckedAsync("cart");

        // Checkout, then the order page follows the saga to its end.
        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();
        await page.WaitForURLAsync("**/checkout");
        await shopper.CheckedAsync("checkout");
        await shopper.FillCheckoutAsync(SagaClient.ApprovingCard);
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        var orderId = await shopper.AwaitOrderPageAsync();
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("Completed", new() { Timeout = (float)SagaLimit.TotalMilliseconds });
        await Assertions.Expect(page.Locator(".history")).ToContainTextAsync("OrderCompleted");
        await shopper.CheckedAsync("order");

        await shopper.GoAsync("/orders");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = orderId.ToString()[..8] });
        await Assertions.Expect(row).ToContainTextAsync("Completed");
        await Assertions.Expect(row).ToContainTextAsync(Money(total));
        await shopper.CheckedAsync("my-orders");
    }

    [Fact]
    public async Task A_declined_card_shows_why_the_order_was_cancelled()
    {
        var product = (await StockedProductsAsync(5, 100, 1))[0];
        var (_, email) = await _api.NewCustomerAsync("declined", Ct);
        await using var shopper = await Shopper.OpenAsync(browser, shop);
        await shopper.SignInAsync(email, Shopper.Password, "/cart");
        await shopper.AddToCartAsync(product.Id, 1);
        await shopper.GoAsync("/checkout");
        await shopper.FillCheckoutAsync(SagaClient.DecliningCard);
        await shopper.Page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await shopper.AwaitOrderPageAsync();

        await Assertions.Expect(shopper.Page.Locator("#order-status")).ToHaveTextAsync("Cancelled", new() { Timeout = (float)SagaLimit.TotalMilliseconds });
        await Assertions.Expect(shopper.Page.Locator("#order-reason")).ToContainTextAsync("declined", new() { IgnoreCase = true });
        await shopper.CheckedAsync("order-declined");
    }

    [Fact]
    public async Task A_double_click_on_Place_order_places_one_order()
    {
        var product = (await StockedProductsAsync(5, 100, 1))[0];
        var (customer, email) = await _api.NewCustomerAsync("doubleclick", Ct);
        await using var shopper = await Shopper.OpenAsync(browser, shop);
        await shopper.SignInAsync(email, Shopper.Password, "/cart");
        await shopper.AddToCartAsync(product.Id, 1);
        await shopper.GoAsync("/checkout");
        await shopper.FillCheckoutAsync(SagaClient.ApprovingCard);
        // What the rendered form sends (antiforgery token, Idempotency-Key, address, card), to send it once more below.
        var fields = await shopper.Page.Locator("form.stacked").EvaluateAsync<Dictionary<string, string>>("f => Object.fromEntries(new FormData(f))");
        var posts = 0;
        shopper.Page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/checkout", StringComparison.Ordinal))
                Interlocked.Increment(ref posts);
        };

        await shopper.Page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).DblClickAsync();
        var orderId = await shopper.AwaitOrderPageAsync();
        // A browser may drop the second click's request when the first navigation is under way; a resubmit of the same
        // form (a reload's "send again") always reaches the shop, and must land on the same order.
        var form = shopper.Context.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
            form.Set(name, value);
        var again = await shopper.Context.APIRequest.PostAsync("/checkout", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(302, again.Status);
        Assert.Equal($"/orders/{orderId}", again.Headers["location"]);

        Assert.True(posts >= 1, "the double click sent no checkout request");
        var orders = await _api.GetAsync<OrderList>(customer, "/api/orders", Ct);
        Assert.Equal(orderId, Assert.Single(orders!.Items).Id);
    }

    /// <summary><paramref name="count"/> products priced in the range, each with 50 units on hand.</summary>
    private async Task<List<CatalogProduct>> StockedProductsAsync(decimal min, decimal max, int count)
    {
        var admin = await _api.LoginAdminAsync(Ct);
        var products = await _api.ProductsPricedAsync(min, max, 40, Ct);
        var picked = products.OrderBy(_ => Random.Shared.Next()).Take(count).ToList();
        foreach (var p in picked)
            await _api.SetStockAsync(admin, p.Sku, 50, Ct);
        return picked;
    }

    private static decimal Price(string text) => decimal.Parse(text.Split(' ')[0], NumberStyles.Number, CultureInfo.InvariantCulture);

    private static string Money(decimal amount) => string.Create(CultureInfo.InvariantCulture, $"{amount:N2} USD");
}
