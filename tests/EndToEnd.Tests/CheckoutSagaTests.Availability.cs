namespace ShopDapr.EndToEnd.Tests;

/// <summary>The catalog's availability, fed by inventory's events on <c>inventory-events</c> (same class: orders here charge the card).</summary>
public sealed partial class CheckoutSagaTests
{
    private static readonly TimeSpan EventLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_catalog_shows_the_stock_an_admin_sets_and_sold_out_once_orders_take_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.ProductsPricedAsync(500m, 900m, 1, ct))[0];
        Assert.False(product.StockKnown, $"{product.Sku} already has a stock level; this test needs one nobody stocked");

        await _api.SetStockAsync(admin, product.Sku, 2, ct);
        await AwaitAvailabilityAsync(product, 2, ct);

        // One unit each: two of a 500–900 product would total 1000 or more and be held by the fraud rules.
        var (first, firstOrder) = await _api.PlaceOrderAsync("avail1", product.Id, 1, SagaClient.ApprovingCard, ct);
        var (second, secondOrder) = await _api.PlaceOrderAsync("avail2", product.Id, 1, SagaClient.ApprovingCard, ct);
        foreach (var (customer, orderId) in new[] { (first, firstOrder), (second, secondOrder) })
        {
            var order = await _api.AwaitTerminalAsync(customer, orderId, SagaLimit, ct);
            Assert.True(order.Status == "Completed", $"order {orderId} is {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
        }
        Assert.Equal(new StockLevel(product.Sku, 0, 0, 0), await _api.GetStockAsync(admin, product.Sku, ct));

        await AwaitAvailabilityAsync(product, 0, ct);
        var found = await _api.GetAsync<SearchPage>(admin, $"/api/catalog/search?q={Uri.EscapeDataString(product.Name)}&pageSize=50", ct);
        var hit = Assert.Single(found!.Items, p => p.Id == product.Id);
        Assert.Equal((0, true), (hit.Available, hit.StockKnown));

        // Restocked: the catalog follows up again (a level event after a StockDepleted one).
        await _api.SetStockAsync(admin, product.Sku, 4, ct);
        await AwaitAvailabilityAsync(product, 4, ct);
    }

    private async Task AwaitAvailabilityAsync(CatalogProduct product, int available, CancellationToken ct)
    {
        CatalogProduct? seen = null;
        await _api.AwaitAsync(async () =>
        {
            seen = await _api.CatalogProductAsync(product.Id, ct);
            return seen is { StockKnown: true } && seen.Available == available;
        }, EventLimit, () => $"the catalog shows {product.Sku} with available {seen?.Available} (known: {seen?.StockKnown}), not {available}", ct);
    }

    private sealed record SearchPage(List<CatalogProduct> Items);
}
