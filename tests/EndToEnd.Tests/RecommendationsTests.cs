using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// Recommendations and trending through the real apps: what a customer does at the gateway reaches analytics as events
/// (catalog's product views on <c>user-behavior</c>, ordering's orders on <c>order-events</c>) and comes back out of
/// the gateway's <c>/api/recommendations</c> and <c>/api/trending</c>. Each test picks a category nothing else in the
/// shared shop has touched yet, so what it awaits can only come from what it did.
/// </summary>
public sealed class RecommendationsTests(ShopFixture shop)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly SagaClient _api = new(shop);

    [Fact]
    public async Task Viewing_products_of_one_category_leans_the_customers_recommendations_to_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (customer, _) = await _api.NewCustomerAsync("viewer", ct);
        var before = await _api.GetAsync<Page>(customer, "/api/recommendations/me", ct);
        var category = await UntouchedCategoryAsync(before!.Items, ct);
        var products = (await _api.Http.GetFromJsonAsync<ProductPage>($"/api/catalog/products?category={category}&pageSize=4", SagaClient.Json, ct))!.Items;
        Assert.True(products.Count >= 3, $"the demo catalog has {products.Count} products in {category}");

        foreach (var product in products)
            Assert.Equal(HttpStatusCode.OK, await _api.StatusOfAsync(customer, $"/api/catalog/products/{product.Id}", ct));

        var after = await AwaitAsync(() => _api.GetAsync<Page>(customer, "/api/recommendations/me", ct),
            page => page!.Items.Take(3).Count(i => i.Category == category) == 3, $"the top three recommendations in {category}", ct);
        Assert.All(after!.Items.Take(3), i => Assert.Equal("trending-in-your-categories", i.Reason));
        Assert.Contains(after.Items.Take(3), i => products.Any(p => p.Id == i.ProductId)); // before, none was of the category
    }

    [Fact]
    public async Task Completed_orders_make_a_product_trend_in_its_category_and_list_it_as_bought_with_its_basket_mate()
    {
        var ct = TestContext.Current.CancellationToken;
        var trending = await _api.Http.GetFromJsonAsync<Page>("/api/trending?window=hour&pageSize=100", SagaClient.Json, ct);
        var category = await UntouchedCategoryAsync(trending!.Items, ct);
        var cheap = (await _api.Http.GetFromJsonAsync<ProductPage>($"/api/catalog/products?category={category}&maxPrice=100&sort=price&pageSize=2", SagaClient.Json, ct))!.Items;
        Assert.True(cheap.Count == 2, $"the demo catalog has {cheap.Count} products in {category} priced up to 100");
        var (bought, mate) = (cheap[0], cheap[1]);
        var admin = await _api.LoginAdminAsync(ct);
        foreach (var product in cheap)
            await _api.SetStockAsync(admin, product.Sku, 100, ct);

        var (customer, _) = await _api.NewCustomerAsync("buyer", ct);
        await OrderAsync(customer, [bought, mate], ct);
        await OrderAsync(customer, [bought], ct);

        await AwaitAsync(() => _api.Http.GetFromJsonAsync<Page>($"/api/trending?category={category}&window=hour", SagaClient.Json, ct),
            page => page!.Items.FirstOrDefault()?.ProductId == bought.Id, $"{bought.Name} first in {category}'s trending", ct);
        var together = await AwaitAsync(() => _api.Http.GetFromJsonAsync<Page>($"/api/recommendations/products/{bought.Id}", SagaClient.Json, ct),
            page => page!.Items.Any(i => i.ProductId == mate.Id), $"{mate.Name} bought together with {bought.Name}", ct);
        Assert.Equal("bought-together", together!.Items.Single(i => i.ProductId == mate.Id).Reason);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Http.GetAsync($"/api/recommendations/products/{Guid.NewGuid()}", ct)).StatusCode);
    }

    private async Task OrderAsync(string customer, IReadOnlyList<Product> lines, CancellationToken ct)
    {
        foreach (var product in lines)
            await _api.AddToCartAsync(customer, product.Id, 1, ct);
        var checkout = await _api.CheckoutAsync(customer, SagaClient.ApprovingCard, Guid.NewGuid().ToString(), ct);
        Assert.True(checkout.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(checkout));
        var placed = (await checkout.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!;
        var order = await _api.AwaitTerminalAsync(customer, placed.OrderId, TimeSpan.FromSeconds(30), ct);
        Assert.True(order.Status == "Completed", $"order {order.Id} {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
    }

    /// <summary>A category of the catalog none of <paramref name="listed"/> is in (the first, in the catalog's order).</summary>
    private async Task<string> UntouchedCategoryAsync(IReadOnlyList<Recommended> listed, CancellationToken ct)
    {
        var categories = await _api.Http.GetFromJsonAsync<List<Category>>("/api/catalog/categories", SagaClient.Json, ct);
        var touched = listed.Select(i => i.Category).ToHashSet(StringComparer.Ordinal);
        var untouched = categories!.Where(c => c.ProductCount >= 10 && !touched.Contains(c.Slug)).Select(c => c.Slug).FirstOrDefault();
        Assert.True(untouched is not null, $"every category is listed already: {string.Join(", ", touched)}");
        return untouched;
    }

    private async Task<T> AwaitAsync<T>(Func<Task<T>> read, Func<T, bool> holds, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var last = await read();
        while (!holds(last))
        {
            Assert.True(clock.Elapsed < Limit, $"not within {Limit.TotalSeconds} s: {what}; last: {System.Text.Json.JsonSerializer.Serialize(last, SagaClient.Json)}\n{_api.LogTail()}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            last = await read();
        }
        return last;
    }

    private sealed record Recommended(Guid ProductId, string? Category, double Score, string Reason);

    private sealed record Page(List<Recommended> Items, int Total);

    private sealed record Category(string Slug, int ProductCount);

    private sealed record ProductPage(List<Product> Items);
}
