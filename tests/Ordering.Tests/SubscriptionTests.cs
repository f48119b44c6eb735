using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Ordering.Api;

namespace ShopDapr.Ordering.Tests;

public sealed class SubscriptionTests : IAsyncLifetime
{
    private readonly OrderingFactory _app = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>What daprd posts: a CloudEvent (Dapr.AspNetCore's middleware hands the handler its data).</summary>
    private static StringContent CloudEvent(string type, object data) => new(JsonSerializer.Serialize(new
    {
        id = Guid.NewGuid().ToString(), specversion = "1.0", type, source = "shipping", topic = "order-events", pubsubname = "pubsub",
        datacontenttype = "application/json", data,
    }, JsonSerializerOptions.Web), Encoding.UTF8, "application/cloudevents+json");

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
        var deadLetters = subscriptions.EnumerateArray().Single(s => s.GetProperty("topic").GetString() == "deadletter");
        Assert.Equal("true", deadLetters.GetProperty("metadata").GetProperty("rawPayload").GetString());
    }

    [Fact]
    public async Task ShipmentDelivered_appends_OrderDelivered_once_however_often_it_arrives()
    {
        var id = await CompletedOrderAsync();
        var delivered = new ShipmentDelivered(id, "ship-1", DateTimeOffset.UtcNow);
        for (var i = 0; i < 2; i++)
        {
            var response = await _app.CreateClient().PostAsync(OrderSubscriptions.ShipmentDeliveredRoute, CloudEvent(nameof(ShipmentDelivered), delivered), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var stream = await _app.Events.ReadAsync(id, Ct);
        Assert.Equal(["OrderSubmitted", "OrderCompleted", "OrderDelivered"], stream!.Events.Select(e => e.Type));
        Assert.Equal(OrderStatus.Delivered, (await _app.Events.LoadAsync(id, Ct))!.Status);
        Assert.Single(_app.Published, p => p.Event is OrderDelivered);
    }

    [Fact]
    public async Task A_delivery_for_an_order_not_yet_completed_is_retried_and_for_an_unknown_order_dropped()
    {
        var response = await _app.CreateClient().PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);
        var id = (await response.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId;
        var early = await _app.CreateClient().PostAsync(OrderSubscriptions.ShipmentDeliveredRoute,
            CloudEvent(nameof(ShipmentDelivered), new ShipmentDelivered(id, "s", DateTimeOffset.UtcNow)), Ct);
        Assert.Equal("RETRY", (await early.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Single((await _app.Events.ReadAsync(id, Ct))!.Events);

        var unknown = await _app.CreateClient().PostAsync(OrderSubscriptions.ShipmentDeliveredRoute,
            CloudEvent(nameof(ShipmentDelivered), new ShipmentDelivered(Guid.NewGuid(), "s", DateTimeOffset.UtcNow)), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("not a delivery")]
    [InlineData(42)]
    public async Task A_delivery_whose_data_cannot_be_read_is_dropped_to_the_dead_letter_topic(object data)
    {
        var response = await _app.CreateClient().PostAsync(OrderSubscriptions.ShipmentDeliveredRoute, CloudEvent(nameof(ShipmentDelivered), data), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
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
