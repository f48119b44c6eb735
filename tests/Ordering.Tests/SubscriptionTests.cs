using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Ordering.Api;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Ordering.Tests;

public sealed class SubscriptionTests : IAsyncLifetime
{
    private OrderingFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await OrderingFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// What daprd posts to a bulk subscriber: a batch of CloudEvents of the topic, each an entry with its own id; the
    /// answer carries one status per entry id.
    /// </summary>
    private async Task<Dictionary<string, string>> DeliverAsync(string route, params (string EntryId, string Type, object Data)[] entries)
    {
        var body = JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(), type = "com.dapr.event.sent", topic = "order-events", pubsubname = "pubsub", metadata = new { },
            entries = entries.Select(e => new
            {
                entryId = e.EntryId, contentType = "application/cloudevents+json", metadata = new { },
                @event = new
                {
                    id = Guid.NewGuid().ToString(), specversion = "1.0", type = e.Type, source = "shipping", topic = "order-events", pubsubname = "pubsub",
                    datacontenttype = "application/json", data = e.Data,
                },
            }),
        }, JsonSerializerOptions.Web);
        var response = await _app.CreateClient().PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return reply.GetProperty("statuses").EnumerateArray()
            .ToDictionary(s => s.GetProperty("entryId").GetString()!, s => s.GetProperty("status").GetString()!);
    }

    private async Task<Guid> CompletedOrderAsync()
    {
        var response = await _app.CreateClient().PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);
        var id = (await response.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId;
        var e = Guid.NewGuid();
        await _app.Events.AppendAsync(id, e, v => new OrderCompleted(e, id, v, "customer-1", "e", DateTimeOffset.UtcNow), Ct);
        return id;
    }

    [Fact]
    public async Task Subscriptions_route_order_events_by_type_with_a_default_and_name_the_dead_letter_topic()
    {
        var subscriptions = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/dapr/subscribe", Ct);
        var orderEvents = subscriptions.EnumerateArray().Single(s => s.GetProperty("topic").GetString() == "order-events");
        Assert.Equal(("pubsub", "deadletter"), (orderEvents.GetProperty("pubsubName").GetString(), orderEvents.GetProperty("deadLetterTopic").GetString()));
        var rule = Assert.Single(orderEvents.GetProperty("routes").GetProperty("rules").EnumerateArray());
        Assert.Equal(("event.type == \"ShipmentDelivered\"", OrderSubscriptions.ShipmentDeliveredRoute.TrimStart('/')),
            (rule.GetProperty("match").GetString(), rule.GetProperty("path").GetString()));
        Assert.Equal(OrderSubscriptions.OtherOrderEventsRoute.TrimStart('/'), orderEvents.GetProperty("routes").GetProperty("default").GetString());
        var bulk = orderEvents.GetProperty("bulkSubscribe");
        Assert.Equal((true, BulkBatches.MaxMessages, BulkBatches.MaxWaitMs),
            (bulk.GetProperty("enabled").GetBoolean(), bulk.GetProperty("maxMessagesCount").GetInt32(), bulk.GetProperty("maxAwaitDurationMs").GetInt32()));
        var deadLetters = subscriptions.EnumerateArray().Single(s => s.GetProperty("topic").GetString() == "deadletter");
        Assert.Equal("true", deadLetters.GetProperty("metadata").GetProperty("rawPayload").GetString());
    }

    [Fact]
    public async Task ShipmentDelivered_appends_OrderDelivered_once_however_often_it_arrives()
    {
        var id = await CompletedOrderAsync();
        var delivered = new ShipmentDelivered(id, "ship-1", DateTimeOffset.UtcNow);
        var first = await DeliverAsync(OrderSubscriptions.ShipmentDeliveredRoute, ("a", nameof(ShipmentDelivered), delivered), ("b", nameof(ShipmentDelivered), delivered));
        var again = await DeliverAsync(OrderSubscriptions.ShipmentDeliveredRoute, ("c", nameof(ShipmentDelivered), delivered));

        Assert.Equal(new Dictionary<string, string> { ["a"] = "SUCCESS", ["b"] = "SUCCESS" }, first);
        Assert.Equal(new Dictionary<string, string> { ["c"] = "SUCCESS" }, again);
        var stream = await _app.Events.ReadAsync(id, Ct);
        Assert.Equal(["OrderSubmitted", "OrderCompleted", "OrderDelivered"], stream!.Events.Select(e => e.Type));
        Assert.Equal(OrderStatus.Delivered, (await _app.Events.LoadAsync(id, Ct))!.Status);
        Assert.Single(_app.Published, p => p.Event is OrderDelivered);
    }

    [Fact]
    public async Task In_one_batch_a_delivery_for_an_order_not_yet_completed_is_retried_an_unknown_order_or_unreadable_data_dropped_and_the_rest_applied()
    {
        var response = await _app.CreateClient().PostAsJsonAsync("/internal/orders", OrderingFactory.Request(key: "early"), Ct);
        var early = (await response.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId;
        var done = await CompletedOrderAsync();
        Assert.NotEqual(early, done);

        var statuses = await DeliverAsync(OrderSubscriptions.ShipmentDeliveredRoute,
            ("early", nameof(ShipmentDelivered), new ShipmentDelivered(early, "s", DateTimeOffset.UtcNow)),
            ("unknown", nameof(ShipmentDelivered), new ShipmentDelivered(Guid.NewGuid(), "s", DateTimeOffset.UtcNow)),
            ("text", nameof(ShipmentDelivered), "not a delivery"),
            ("number", nameof(ShipmentDelivered), 42),
            ("done", nameof(ShipmentDelivered), new ShipmentDelivered(done, "s", DateTimeOffset.UtcNow)));

        Assert.Equal(new Dictionary<string, string>
        {
            ["early"] = "RETRY", ["unknown"] = "DROP", ["text"] = "DROP", ["number"] = "DROP", ["done"] = "SUCCESS",
        }, statuses);
        Assert.Single((await _app.Events.ReadAsync(early, Ct))!.Events);
        Assert.Equal(OrderStatus.Delivered, (await _app.Events.LoadAsync(done, Ct))!.Status);
    }

    [Fact]
    public async Task Order_events_ordering_does_not_need_are_acknowledged_entry_by_entry_and_change_nothing()
    {
        var id = await CompletedOrderAsync();
        var statuses = await DeliverAsync(OrderSubscriptions.OtherOrderEventsRoute,
            ("1", "OrderPaid", new { orderId = id }), ("2", "StockReserved", new { orderId = id }), ("3", "Anything", "at all"));

        Assert.Equal(new Dictionary<string, string> { ["1"] = "SUCCESS", ["2"] = "SUCCESS", ["3"] = "SUCCESS" }, statuses);
        Assert.Equal(["OrderSubmitted", "OrderCompleted"], (await _app.Events.ReadAsync(id, Ct))!.Events.Select(e => e.Type));
    }

    [Fact]
    public async Task Dead_letters_are_kept_once_each_and_shown_to_admins_only()
    {
        var letter = JsonSerializer.Serialize(new { id = "ce-1", type = "PaymentCharged", source = "payment", topic = "order-events", data = new { orderId = Guid.Empty } });
        for (var i = 0; i < 2; i++)
        {
            var kept = await _app.CreateClient().PostAsync(OrderSubscriptions.DeadLetterRoute, new StringContent(letter, Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }

        var list = await _app.ClientWith(_app.Tokens.Admin()).GetFromJsonAsync<JsonElement>("/api/orders/admin/deadletters", Ct);
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(("ce-1", "PaymentCharged", "payment", "order-events"),
            (item.GetProperty("id").GetString(), item.GetProperty("type").GetString(), item.GetProperty("source").GetString(), item.GetProperty("topic").GetString()));
        Assert.Equal(Guid.Empty, item.GetProperty("message").GetProperty("data").GetProperty("orderId").GetGuid());

        var customer = await _app.ClientWith(_app.Tokens.Customer()).GetAsync("/api/orders/admin/deadletters", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
    }
}
