using System.Net;
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

    [Fact]
    public async Task The_product_page_follows_stock_as_it_moves_and_shows_it_without_scripts_too()
    {
        // Priced where no other test of the suite orders, so analytics has seen no order of it: no "bought together".
        var product = (await StockedProductsAsync(101, 149, 1))[0];
        var admin = await _api.LoginAdminAsync(Ct);
        var together = $"/api/recommendations/products/{product.Id}";
        if (await _api.StatusOfAsync(admin, together, Ct) != HttpStatusCode.NotFound) // analytics knows the product, yet no order of it
            Assert.Empty((await _api.GetAsync<System.Text.Json.Nodes.JsonObject>(admin, together, Ct))!["items"]!.AsArray());
        await using var shopper = await Shopper.OpenAsync(browser, shop);
        var page = shopper.Page;
        await shopper.GoAsync($"/products/{product.Id}");
        await Assertions.Expect(page.Locator("#availability")).ToHaveTextAsync("In stock (50 available)", new() { Timeout = 30_000 });
        // A missing analytics answer hides the box, and is no problem to show.
        await Assertions.Expect(page.Locator("#bought-together")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);

        // Without scripts, the page as rendered says what is in stock.
        var noScript = await browser.Browser.NewContextAsync(new() { BaseURL = shop.Http.BaseAddress!.ToString(), JavaScriptEnabled = false });
        await using (noScript)
        {
            var plain = await noScript.NewPageAsync();
            await plain.GotoAsync($"/products/{product.Id}");
            await Assertions.Expect(plain.Locator("#availability")).ToHaveTextAsync("In stock (50 available)");
        }

        // Stock moves while the page is open: the page follows, without a reload.
        var navigations = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) Interlocked.Increment(ref navigations); };
        await _api.SetStockAsync(admin, product.Sku, 7, Ct);
        await Assertions.Expect(page.Locator("#availability")).ToHaveTextAsync("In stock (7 available)", new() { Timeout = 20_000 });
        await _api.SetStockAsync(admin, product.Sku, 0, Ct);
        await Assertions.Expect(page.Locator("#availability")).ToHaveTextAsync("Sold out", new() { Timeout = 20_000 });
        Assert.Equal(0, navigations);
        await shopper.CheckedAsync("product-sold-out");
    }

    [Fact]
    public async Task A_customer_shops_from_search_to_the_order_page_with_the_keyboard_alone_and_sees_where_the_focus_is()
    {
        var product = (await StockedProductsAsync(5, 100, 1))[0];
        var (_, email) = await _api.NewCustomerAsync("keyboard", Ct);
        await using var shopper = await Shopper.OpenAsync(browser, shop);
        var page = shopper.Page;
        var keys = page.Keyboard;

        await shopper.GoAsync("/account/signin?returnUrl=%2Fproducts");
        await TabToAsync(page, "#email");
        await keys.TypeAsync(email);
        await TabToAsync(page, "#password");
        await keys.TypeAsync(Shopper.Password);
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/products");

        await TabToAsync(page, "#site-search");
        await keys.TypeAsync(product.Name);
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/search?q=**");

        await TabToAsync(page, $".products a[href='/products/{product.Id}']");
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync($"**/products/{product.Id}");

        await TabToAsync(page, "article.product button[type=submit]");
        await keys.PressAsync("Space");
        await page.WaitForURLAsync("**/cart");
        await Assertions.Expect(page.Locator("#cart-total")).ToHaveTextAsync(Money(product.Price));

        await TabToAsync(page, "a[href='/checkout']");
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/checkout");
        (string Field, string Text)[] form =
        [
            ("#Form_Name", "Ada Keys"), ("#Form_Street", "1 Main Street"), ("#Form_City", "Springfield"), ("#Form_PostalCode", "12345"),
            ("#Form_Country", "US"), ("#Form_CardNumber", SagaClient.ApprovingCard), ("#Form_Expiry", "12/34"), ("#Form_Cvc", "123"),
        ];
        foreach (var (field, text) in form)
        {
            await TabToAsync(page, field);
            await keys.TypeAsync(text);
        }
        await TabToAsync(page, "#place-order");
        // Shift+Tab goes back to the last field, and Tab forward again.
        await TabToAsync(page, "#Form_Cvc", backwards: true);
        await TabToAsync(page, "#place-order");
        await keys.PressAsync("Enter");
        var orderId = await shopper.AwaitOrderPageAsync();
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("Completed", new() { Timeout = (float)SagaLimit.TotalMilliseconds });
        Assert.Equal(orderId, Guid.Parse(page.Url[^36..]));
    }

    /// <summary>
    /// Presses Tab (or Shift+Tab) until the focus is on <paramref name="selector"/>, then checks the browser draws where
    /// it is: a visible outline on the focused control.
    /// </summary>
    private static async Task TabToAsync(IPage page, string selector, bool backwards = false)
    {
        for (var press = 0; press < 60; press++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            if (!await page.EvaluateAsync<bool>("s => document.activeElement !== null && document.activeElement.matches(s)", selector))
                continue;
            var outline = await page.EvaluateAsync<string[]>(
                "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }");
            Assert.True(outline[0] != "none" && outline[1] != "0px", $"{selector} has focus but no visible outline ({outline[0]} {outline[1]})");
            return;
        }
        Assert.Fail($"{(backwards ? "Shift+Tab" : "Tab")} never reached {selector} on {page.Url}");
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
