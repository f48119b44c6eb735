namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// Delivery guarantees of the shop's subscriptions, with events published straight onto the pub/sub through a sidecar
/// (a raw CloudEvent with a fixed id, as a redelivering broker or a retrying publisher would send it).
/// </summary>
public sealed partial class CheckoutSagaTests
{
    [Fact]
    public async Task A_delivery_event_delivered_twice_delivers_the_order_once_with_one_email()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.ProductsPricedAsync(500m, 900m, 2, ct))[1];
        await _api.SetStockAsync(admin, product.Sku, 3, ct);
        var (customer, orderId) = await _api.PlaceOrderAsync("twice-delivered", product.Id, 1, SagaClient.ApprovingCard, ct);
        var order = await _api.AwaitTerminalAsync(customer, orderId, SagaLimit, ct);
        Assert.True(order.Status == "Completed", $"order {orderId} is {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
        var shipment = (await _api.GetAsync<ShipmentView>(admin, $"/api/shipping/{orderId}", ct))!;

        // The same CloudEvent (one id) twice, at once, as shipping would publish it: ordering appends OrderDelivered, notifications mails it.
        var sidecars = ShopSidecars.Of(shop);
        var eventId = Guid.NewGuid().ToString();
        var delivered = new { orderId, shipmentId = shipment.ShipmentId, occurredAt = DateTimeOffset.UtcNow };
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            sidecars.PublishCloudEventAsync("shipping", "order-events", eventId, "ShipmentDelivered", delivered, ct)));

        await _api.AwaitStatusAsync(customer, orderId, "Delivered", EventLimit, ct);
        await _api.AwaitEmailAsync(orderId, "OrderDelivered", MailLimit, ct);
        // Settle: a message published after both copies, to the same subscriber, is seen handled (it is dead-lettered) —
        // by then the copies were delivered too (the dev sidecar starts deliveries in publish order), so a second effect would show.
        await PublishPoisonAndAwaitItsDeadLetterAsync(sidecars, admin, ct);

        var history = (await _api.GetAsync<List<HistoryEntry>>(customer, $"/api/orders/{orderId}/history", ct))!;
        Assert.Equal(new[] { "OrderSubmitted", "StockReserved", "OrderPaid", "OrderShipped", "OrderCompleted", "OrderDelivered" }, history.Select(h => h.Type));
        Assert.Single(shop.EmailFiles(orderId, "OrderDelivered"));
        Assert.DoesNotContain(await _api.DeadLettersAsync(admin, ct), l => l.Id == eventId);
    }

    [Fact]
    public async Task A_poison_message_lands_in_the_dead_letter_topic_and_orders_still_complete()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var sidecars = ShopSidecars.Of(shop);

        // ordering refuses a delivery for an order that does not exist for good (404 = drop): to the dead-letter topic at once.
        var poison = await PublishPoisonAndAwaitItsDeadLetterAsync(sidecars, admin, ct);
        Assert.Equal(("ShipmentDelivered", "shipping"), (poison.Type, poison.Source));

        // The catalog drops a stock event without a SKU, and one whose data cannot be read as the event, the same way.
        var noSku = Guid.NewGuid().ToString();
        await sidecars.PublishCloudEventAsync("inventory", "inventory-events", noSku, "StockLevelChanged",
            new { sku = "", onHand = 1, reserved = 0, available = 1, occurredAt = DateTimeOffset.UtcNow }, ct);
        var unreadable = Guid.NewGuid().ToString();
        await sidecars.PublishCloudEventAsync("inventory", "inventory-events", unreadable, "StockLevelChanged",
            new { sku = "AUD-000001", onHand = "many", available = "lots", occurredAt = "yesterday" }, ct);
        await AwaitDeadLetterAsync(admin, noSku, ct);
        var unreadableLetter = await AwaitDeadLetterAsync(admin, unreadable, ct);
        Assert.Equal(("StockLevelChanged", "inventory"), (unreadableLetter.Type, unreadableLetter.Source));

        // And the shop goes on: a normal order placed afterwards completes.
        var product = (await _api.ProductsPricedAsync(500m, 900m, 3, ct))[2];
        await _api.SetStockAsync(admin, product.Sku, 2, ct);
        var (customer, orderId) = await _api.PlaceOrderAsync("after-poison", product.Id, 1, SagaClient.ApprovingCard, ct);
        var order = await _api.AwaitTerminalAsync(customer, orderId, SagaLimit, ct);
        Assert.True(order.Status == "Completed", $"order {orderId} is {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
        Assert.Equal(1, (await _api.GetStockAsync(admin, product.Sku, ct)).OnHand);
    }

    /// <summary>Publishes a ShipmentDelivered for an order that does not exist and waits until an admin sees it among the dead letters.</summary>
    private async Task<DeadLetter> PublishPoisonAndAwaitItsDeadLetterAsync(ShopSidecars sidecars, string admin, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString();
        await sidecars.PublishCloudEventAsync("shipping", "order-events", id, "ShipmentDelivered",
            new { orderId = Guid.NewGuid(), shipmentId = "SHP-NOWHERE", occurredAt = DateTimeOffset.UtcNow }, ct);
        return await AwaitDeadLetterAsync(admin, id, ct);
    }

    private async Task<DeadLetter> AwaitDeadLetterAsync(string admin, string id, CancellationToken ct)
    {
        DeadLetter? letter = null;
        await _api.AwaitAsync(async () => (letter = (await _api.DeadLettersAsync(admin, ct)).FirstOrDefault(l => l.Id == id)) is not null,
            EventLimit, () => $"no dead letter {id} at GET /api/orders/admin/deadletters", ct);
        return letter!;
    }
}
