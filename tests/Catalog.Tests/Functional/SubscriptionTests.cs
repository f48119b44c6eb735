using System.Net;
using System.Text;
using System.Text.Json;
using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Events;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

public sealed class SubscriptionTests(CatalogAppFactory app) : IClassFixture<CatalogAppFactory>
{
    public static TheoryData<string, string[]> Topics => new()
    {
        {
            ShopNames.Topics.CatalogEvents,
            ["ProductCreated events/catalog/product-created", "ProductUpdated events/catalog/product-updated", "ProductDeleted events/catalog/product-deleted"]
        },
        {
            ShopNames.Topics.InventoryEvents,
            ["StockLevelChanged events/inventory/stock-level-changed", "StockDepleted events/inventory/stock-depleted", "StockLow events/inventory/stock-low"]
        },
    };

    /// <param name="routes">Each rule as "event type" space "path", in the order they are tried.</param>
    [Theory]
    [MemberData(nameof(Topics))]
    public async Task The_app_subscribes_to_its_topics_routed_by_type_with_a_dead_letter_topic(string topic, string[] routes)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        using var doc = JsonDocument.Parse(await client.GetStringAsync("/dapr/subscribe", ct));

        var subscription = Assert.Single(doc.RootElement.EnumerateArray(), s => s.GetProperty("topic").GetString() == topic);
        Assert.Equal(ShopNames.Components.PubSub, subscription.GetProperty("pubsubName").GetString());
        Assert.Equal(ShopNames.Topics.DeadLetter, subscription.GetProperty("deadLetterTopic").GetString());
        var rules = subscription.GetProperty("routes").GetProperty("rules").EnumerateArray()
            .Select(r => (r.GetProperty("match").GetString(), r.GetProperty("path").GetString()!.TrimStart('/')))
            .ToList();
        Assert.Equal(routes.Select(r => r.Split(' ')).Select(r => ((string?)$"event.type == \"{r[0]}\"", r[1])), rules);
        // Stock moves with every order: inventory-events comes in batches; product edits, rare, one at a time.
        var bulk = subscription.TryGetProperty("bulkSubscribe", out var b) ? b : (JsonElement?)null;
        if (topic == ShopNames.Topics.InventoryEvents)
            Assert.Equal((true, BulkBatches.MaxMessages, BulkBatches.MaxWaitMs),
                (bulk!.Value.GetProperty("enabled").GetBoolean(), bulk.Value.GetProperty("maxMessagesCount").GetInt32(), bulk.Value.GetProperty("maxAwaitDurationMs").GetInt32()));
        else
            Assert.Null(bulk);
    }

    [Fact]
    public async Task A_catalog_event_from_another_replica_refreshes_the_cache_and_the_index()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var id = (await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=1", ct), ct)).Items[0].Id;
        var key = $"product-{id:N}";
        var stored = app.Dapr.Read<Product>(key)!;
        await app.Dapr.WriteAsync(key, stored with { Name = "Flamingo Edition", UpdatedAt = stored.UpdatedAt.AddDays(1) }, ct);

        Assert.Equal(0, (await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=flamingo", ct), ct)).Total);
        using var delivered = await DeliverAsync(client, "product-updated", "ProductUpdated", id, ct);

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal("Flamingo Edition", (await ReadAsync<ProductDto>(await client.GetAsync($"/api/catalog/products/{id}", ct), ct)).Name);
        Assert.Equal([id], (await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=flamingo", ct), ct)).Items.Select(p => p.Id));
    }

    [Fact]
    public async Task A_delete_event_removes_a_product_that_is_gone_from_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var id = (await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=1&sort=-price", ct), ct)).Items[0].Id;
        var admin = app.Admin();
        using var current = await admin.GetAsync($"/api/catalog/products/{id}", ct);
        // Another replica deletes it: state changes, this replica only hears the event.
        await app.Dapr.Client.TryDeleteStateAsync(ShopNames.Components.StateStore, $"product-{id:N}", current.Headers.ETag!.Tag.Trim('"'), cancellationToken: ct);

        using var delivered = await DeliverAsync(client, "product-deleted", "ProductDeleted", id, ct);

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/catalog/products/{id}", ct)).StatusCode);
    }

    private static Task<HttpResponseMessage> DeliverAsync(HttpClient client, string route, string type, Guid id, CancellationToken ct)
    {
        var cloudEvent = JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id = Guid.NewGuid().ToString(),
            source = "catalog",
            type,
            datacontenttype = "application/json",
            topic = ShopNames.Topics.CatalogEvents,
            pubsubname = ShopNames.Components.PubSub,
            data = new { productId = id, sku = "X", name = "n", category = "audio", brand = "b", price = 1m, occurredAt = DateTimeOffset.UtcNow },
        });
        return client.PostAsync($"/events/catalog/{route}", new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"), ct);
    }
}
