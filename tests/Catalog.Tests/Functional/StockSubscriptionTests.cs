using System.Net;
using System.Text;
using System.Text.Json;
using ShopDapr.Catalog.Domain;
using ShopDapr.ServiceDefaults;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>Availability from <c>inventory-events</c>: delivered as the sidecar delivers (a bulk batch of CloudEvents to the routed path).</summary>
public sealed class StockSubscriptionTests(CatalogAppFactory app) : IClassFixture<CatalogAppFactory>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_product_inventory_has_not_stocked_says_its_stock_is_unknown()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var product = await ProductAsync(client, 0, ct);

        Assert.Equal((0, false), (product.Available, product.StockKnown));
    }

    [Fact]
    public async Task A_stock_level_shows_on_the_product_in_browse_and_in_search()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var product = await ProductAsync(client, 1, ct);

        using var delivered = await DeliverAsync(client, "stock-level-changed", "StockLevelChanged",
            new { sku = product.Sku.ToLowerInvariant(), onHand = 12, reserved = 2, available = 10, occurredAt = T0 }, ct);

        Assert.Equal("SUCCESS", await StatusAsync(delivered, ct));
        var detail = await ReadAsync<ProductDto>(await client.GetAsync($"/api/catalog/products/{product.Id}", ct), ct);
        Assert.Equal((10, true), (detail.Available, detail.StockKnown));
        var listed = (await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=100&sort=price", ct), ct)).Items.Single(p => p.Id == product.Id);
        Assert.Equal((10, true), (listed.Available, listed.StockKnown));
        var found = (await ReadAsync<SearchDto>(await client.GetAsync($"/api/catalog/search?q={Uri.EscapeDataString(product.Name)}&pageSize=50", ct), ct)).Items.Single(p => p.Id == product.Id);
        Assert.Equal((10, true), (found.Available, found.StockKnown));
        Assert.Equal(new StockAvailability(product.Sku, 10, T0), app.Dapr.Read<StockAvailability>($"stock-{product.Sku}"));
    }

    [Fact]
    public async Task A_depleted_sku_shows_as_sold_out_and_a_late_older_level_does_not_bring_stock_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var product = await ProductAsync(client, 2, ct);

        (await DeliverAsync(client, "stock-level-changed", "StockLevelChanged", new { sku = product.Sku, onHand = 3, reserved = 0, available = 3, occurredAt = T0 }, ct)).Dispose();
        using var depleted = await DeliverAsync(client, "stock-depleted", "StockDepleted", new { sku = product.Sku, occurredAt = T0.AddMinutes(2) }, ct);
        using var late = await DeliverAsync(client, "stock-low", "StockLow", new { sku = product.Sku, available = 1, threshold = 5, occurredAt = T0.AddMinutes(1) }, ct);

        Assert.Equal(("SUCCESS", "SUCCESS"), (await StatusAsync(depleted, ct), await StatusAsync(late, ct)));
        var detail = await ReadAsync<ProductDto>(await client.GetAsync($"/api/catalog/products/{product.Id}", ct), ct);
        Assert.Equal((0, true), (detail.Available, detail.StockKnown));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_stored_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var product = await ProductAsync(client, 3, ct);
        var level = new { sku = product.Sku, onHand = 4, reserved = 0, available = 4, occurredAt = T0 };
        var key = $"stock-{product.Sku}";

        using var first = await DeliverAsync(client, "stock-level-changed", "StockLevelChanged", level, ct);
        var written = app.Dapr.ETag(key);
        using var second = await DeliverAsync(client, "stock-level-changed", "StockLevelChanged", level, ct);

        Assert.Equal(("SUCCESS", "SUCCESS"), (await StatusAsync(first, ct), await StatusAsync(second, ct)));
        // Every write gives the key a new ETag: the same one means the second delivery wrote nothing.
        Assert.NotNull(written);
        Assert.Equal(written, app.Dapr.ETag(key));
        Assert.Equal(4, (await ReadAsync<ProductDto>(await client.GetAsync($"/api/catalog/products/{product.Id}", ct), ct)).Available);
    }

    [Theory]
    [InlineData("{\"sku\":\"\",\"onHand\":1,\"reserved\":0,\"available\":1,\"occurredAt\":\"2026-11-25T12:00:00Z\"}")]
    [InlineData("{\"sku\":\"AUD-0001\",\"onHand\":1,\"reserved\":2,\"available\":-1,\"occurredAt\":\"2026-11-25T12:00:00Z\"}")]
    [InlineData("{\"sku\":\"AUD-0001\",\"onHand\":1,\"reserved\":0,\"available\":1}")]
    [InlineData("{\"sku\":\"AUD-0001\",\"onHand\":\"many\",\"reserved\":0,\"available\":\"lots\",\"occurredAt\":\"2026-11-25T12:00:00Z\"}")]
    [InlineData("\"not a stock event\"")]
    [InlineData("null")]
    public async Task An_unusable_or_unreadable_stock_event_is_dropped_to_the_dead_letter_topic_and_changes_nothing(string data)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var before = app.Dapr.Snapshot();

        using var delivered = await DeliverAsync(client, "stock-level-changed", "StockLevelChanged", JsonSerializer.Deserialize<JsonElement>(data), ct);

        Assert.Equal("DROP", await StatusAsync(delivered, ct));
        Assert.Equal(before, app.Dapr.Snapshot());
    }

    [Fact]
    public async Task A_restarted_catalog_shows_the_stored_availability()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var product = await ProductAsync(client, 4, ct);
        (await DeliverAsync(client, "stock-low", "StockLow", new { sku = product.Sku, available = 2, threshold = 5, occurredAt = T0 }, ct)).Dispose();

        await using var restarted = new CatalogAppFactory { Dapr = app.Dapr };
        var again = await restarted.ReadyAsync(ct);

        var detail = await ReadAsync<ProductDto>(await again.GetAsync($"/api/catalog/products/{product.Id}", ct), ct);
        Assert.Equal((2, true), (detail.Available, detail.StockKnown));
    }

    /// <summary>The n-th cheapest product: each test its own SKU, so tests of the class do not see each other's stock.</summary>
    private static async Task<ProductDto> ProductAsync(HttpClient client, int n, CancellationToken ct) =>
        (await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=10&sort=price", ct), ct)).Items[n];

    /// <summary>The status the catalog gave the one entry of the batch.</summary>
    private static async Task<string?> StatusAsync(HttpResponseMessage response, CancellationToken ct)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var entry = Assert.Single(doc.RootElement.GetProperty("statuses").EnumerateArray());
        Assert.Equal("e-1", entry.GetProperty("entryId").GetString());
        return entry.GetProperty("status").GetString();
    }

    private static Task<HttpResponseMessage> DeliverAsync(HttpClient client, string route, string type, object data, CancellationToken ct)
    {
        var cloudEvent = JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id = Guid.NewGuid().ToString(),
            source = "inventory",
            type,
            datacontenttype = "application/json",
            topic = ShopNames.Topics.InventoryEvents,
            pubsubname = ShopNames.Components.PubSub,
            data,
        });
        // inventory-events is a bulk subscription: the sidecar posts a batch, here of one entry.
        var batch = $$"""
            {"id":"{{Guid.NewGuid()}}","type":"com.dapr.event.sent","topic":"{{ShopNames.Topics.InventoryEvents}}","pubsubname":"{{ShopNames.Components.PubSub}}",
             "metadata":{},"entries":[{"entryId":"e-1","contentType":"application/cloudevents+json","metadata":{},"event":{{cloudEvent}}}]}
            """;
        return client.PostAsync($"/events/inventory/{route}", new StringContent(batch, Encoding.UTF8, "application/json"), ct);
    }
}
