using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Analytics.Tests;

public sealed class SubscriptionTests : IAsyncLifetime
{
    private AnalyticsFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await AnalyticsFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_sidecar_is_told_four_bulk_subscriptions_with_typed_routes_a_default_and_the_dead_letter_topic()
    {
        var subscriptions = JsonSerializer.Deserialize<JsonElement>(await _app.Sidecar().GetStringAsync("/dapr/subscribe", Ct)).EnumerateArray()
            .ToDictionary(s => s.GetProperty("topic").GetString()!);
        Assert.Equal(["catalog-events", "inventory-events", "order-events", "user-behavior"], subscriptions.Keys.Order(StringComparer.Ordinal));
        var expected = new Dictionary<string, string[]>
        {
            ["user-behavior"] = ["ProductViewed", "ItemAddedToCart", "ItemRemovedFromCart", "CheckoutStarted", "UserRegistered"],
            ["order-events"] = ["OrderSubmitted", "OrderAwaitingApproval", "OrderCompleted", "OrderCancelled", "PaymentDeclined"],
            ["catalog-events"] = ["ProductCreated", "ProductUpdated", "ProductDeleted"],
            ["inventory-events"] = ["StockLevelChanged", "StockDepleted"],
        };
        foreach (var (topic, subscription) in subscriptions)
        {
            Assert.Equal("pubsub", subscription.GetProperty("pubsubName").GetString());
            Assert.Equal("deadletter", subscription.GetProperty("deadLetterTopic").GetString());
            var bulk = subscription.GetProperty("bulkSubscribe");
            Assert.Equal((true, BulkBatches.MaxMessages, BulkBatches.MaxWaitMs),
                (bulk.GetProperty("enabled").GetBoolean(), bulk.GetProperty("maxMessagesCount").GetInt32(), bulk.GetProperty("maxAwaitDurationMs").GetInt32()));
            var routes = subscription.GetProperty("routes");
            Assert.Equal($"events/{topic}/other", routes.GetProperty("default").GetString()!.TrimStart('/'));
            var rules = routes.GetProperty("rules").EnumerateArray()
                .ToDictionary(r => r.GetProperty("match").GetString()!, r => r.GetProperty("path").GetString()!.TrimStart('/'));
            Assert.Equal(expected[topic].Length, rules.Count);
            foreach (var type in expected[topic])
                Assert.Equal($"events/{topic}/{type}", rules[$"event.type == \"{type}\""]);
        }
    }

    [Fact]
    public async Task A_view_published_on_the_broker_reaches_the_profile_and_trending_of_its_category()
    {
        var product = Guid.NewGuid();
        await _app.PublishAsync("user-behavior", Events.Viewed(product, "ada", category: "Garden"), Ct);

        var trending = await AnalyticsFactory.EventuallyAsync(
            () => _app.Sidecar().GetFromJsonAsync<JsonElement>("/api/trending?category=garden", Ct),
            t => t.GetProperty("total").GetInt64() > 0, Ct);
        var item = Assert.Single(trending.GetProperty("items").EnumerateArray());
        Assert.Equal(product, item.GetProperty("productId").GetGuid());
        Assert.Equal("garden", item.GetProperty("category").GetString());
        Assert.Equal(1.0, item.GetProperty("score").GetDouble());

        var profile = _app.Dapr.Read<CustomerProfile>(StateKeys.Profile("ada"))!;
        Assert.Equal(product, Assert.Single(profile.RecentViews).ProductId);
        Assert.Equal(["garden"], profile.CategoryAffinity.Keys);
        // Only the whole shop's and the category's buckets of this product: nothing in another category.
        var other = await _app.Sidecar().GetFromJsonAsync<JsonElement>("/api/trending?category=kitchen", Ct);
        Assert.Equal(0, other.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task An_event_delivered_twice_counts_once()
    {
        var product = Guid.NewGuid();
        var view = Events.Viewed(product, "bob", category: "toys");
        var id = Guid.NewGuid().ToString();
        for (var i = 0; i < 2; i++)
            Assert.Equal("SUCCESS", (await _app.DeliverAsync("user-behavior", "ProductViewed", view, id, Ct)).Status);

        var trending = await _app.Sidecar().GetFromJsonAsync<JsonElement>("/api/trending?category=toys&window=day", Ct);
        Assert.Equal(1.0, Assert.Single(trending.GetProperty("items").EnumerateArray()).GetProperty("score").GetDouble());
        Assert.Single(_app.Dapr.Read<CustomerProfile>(StateKeys.Profile("bob"))!.RecentViews);
        Assert.NotNull(_app.Dapr.Read<SeenEvent>(AnalyticsStore.MarkerKey(id)));
    }

    [Theory]
    [InlineData("""{"productId":"00000000-0000-0000-0000-000000000000","occurredAt":"2026-12-07T10:00:00Z"}""")]
    [InlineData("""{"productId":"not a guid"}""")]
    [InlineData("""[1,2,3]""")]
    public async Task A_malformed_event_is_dropped_to_the_dead_letter_topic_and_changes_nothing(string data)
    {
        var before = _app.Dapr.Snapshot();
        var (response, status) = await _app.DeliverAsync("user-behavior", "ProductViewed", JsonSerializer.Deserialize<JsonElement>(data), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", status);
        Assert.Equal(before.Keys.Order(), _app.Dapr.Snapshot().Keys.Order());
    }

    [Fact]
    public async Task A_malformed_event_on_the_broker_goes_to_the_dead_letter_topic_and_the_next_one_is_still_applied()
    {
        await _app.Dapr.Client.PublishEventAsync("pubsub", "user-behavior", new { productId = "nope" },
            new Dictionary<string, string> { [IntegrationEventPublishing.CloudEventTypeMetadata] = "ProductViewed" }, Ct);
        var product = Guid.NewGuid();
        await _app.PublishAsync("user-behavior", Events.Viewed(product, null, category: "books"), Ct);

        await AnalyticsFactory.EventuallyAsync(
            () => _app.Sidecar().GetFromJsonAsync<JsonElement>("/api/trending?category=books", Ct),
            t => t.GetProperty("total").GetInt64() == 1, Ct);
        // The recorder subscribes to every topic, the dead-letter one too, and reads the topic from the CloudEvent (which a
        // dead-lettered message keeps): the poison arrives twice with one id, once published and once dead-lettered.
        var poison = await AnalyticsFactory.EventuallyAsync(
            () => Task.FromResult(_app.Dapr.Published.All.Where(e => e.Data.ValueKind == JsonValueKind.Object && e.Data.GetProperty("productId").GetString() == "nope").ToList()),
            copies => copies.Count == 2, Ct);
        Assert.Equal(poison[0].Id, poison[1].Id);
        Assert.Single(_app.Dapr.Published.All, e => e.Data.ValueKind == JsonValueKind.Object && e.Data.GetProperty("productId").GetString() == product.ToString());
    }
}
