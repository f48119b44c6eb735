using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Shipping.Domain;
using ShopDapr.Testing;

namespace ShopDapr.Shipping.Tests;

public sealed class ShippingApiTests : IAsyncLifetime
{
    private ShippingFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await ShippingFactory.StartAsync(Ct);
        _app.Sidecar();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Creating_a_shipment_stores_it_with_a_tracking_number_and_announces_it()
    {
        var orderId = Guid.NewGuid();
        var shipment = await _app.CreateAsync(orderId, Ct);
        Assert.Equal((orderId, ShipmentStatus.Created, ShipmentIds.TrackingNumber(orderId)), (shipment.OrderId, shipment.Status, shipment.TrackingNumber));
        var (data, type) = Assert.Single(await _app.EventsAsync(Ct));
        Assert.Equal("ShipmentCreated", type);
        Assert.Equal(new ShipmentCreated(orderId, shipment.ShipmentId, shipment.TrackingNumber, shipment.CreatedAt), data);
        var published = _app.Dapr.Published.All.Single();
        Assert.Equal(("pubsub", "order-events", "shipping"), (published.PubSub, published.Topic, published.Source));
        Assert.StartsWith("outbox-", published.Id, StringComparison.Ordinal); // one id per event, kept on every redelivery
    }

    [Fact]
    public async Task Each_status_change_is_one_transaction_and_publishes_its_event_once_however_often_it_is_asked_for()
    {
        var orderId = Guid.NewGuid();
        for (var i = 0; i < 2; i++)
            await _app.CreateAsync(orderId, Ct);
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct)).StatusCode);

        var stored = _app.Dapr.Read<ShipmentRecord>($"shipment-{orderId}")!;
        var events = await _app.EventsAsync(Ct);
        Assert.Equal([nameof(ShipmentCreated), nameof(ShipmentDelivered)], events.Select(e => e.Type).Order());
        Assert.Equal(new ShipmentCreated(orderId, stored.ShipmentId, stored.TrackingNumber, stored.CreatedAt), events.Single(e => e.Type == nameof(ShipmentCreated)).Data);
        Assert.Equal(new ShipmentDelivered(orderId, stored.ShipmentId, stored.DeliveredAt!.Value), events.Single(e => e.Type == nameof(ShipmentDelivered)).Data);
        Assert.Equal(2, _app.Wire.Transactions); // the state and its event together, once per change; a repeat writes nothing
    }

    [Fact]
    public async Task Concurrent_duplicate_creates_make_one_shipment_and_one_event()
    {
        const int duplicates = 8;
        var orderId = Guid.NewGuid();
        // Hold every duplicate's first write until all have read "no shipment": they then race to insert at the same moment.
        var arrived = 0;
        var allRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Wire.BeforeWrite = async (_, _) =>
        {
            if (Interlocked.Increment(ref arrived) >= duplicates)
                allRead.TrySetResult();
            await allRead.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        };
        var shipments = await Task.WhenAll(Enumerable.Range(0, duplicates).Select(_ => Task.Run(() => _app.CreateAsync(orderId, Ct), Ct)));
        Assert.Single(shipments.Distinct());
        Assert.Single(await _app.EventsAsync(Ct));
    }

    [Fact]
    public async Task Cancel_is_idempotent_and_announced_once()
    {
        var orderId = Guid.NewGuid();
        await _app.CreateAsync(orderId, Ct);
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await _app.Sidecar().PostAsync(ShippingRoutes.Cancel(orderId), null, Ct)).StatusCode);
        Assert.Single(await _app.EventsAsync(Ct), e => e.Data is ShipmentCancelled);
        var view = await _app.Admin().GetFromJsonAsync<JsonElement>($"/api/shipping/{orderId}", Ct);
        Assert.Equal("Cancelled", view.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_cancel_before_the_create_wins_a_late_create_is_409_and_nothing_ships()
    {
        var orderId = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await _app.Sidecar().PostAsync(ShippingRoutes.Cancel(orderId), null, Ct)).StatusCode);
        var late = await _app.Sidecar().PostAsJsonAsync(ShippingRoutes.Shipments, ShippingFactory.Request(orderId), Ct);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("Cancelled", (await late.ReadProblemAsync(Ct)).GetProperty("shipmentStatus").GetString());
        Assert.Empty(await _app.EventsAsync(Ct));
    }

    [Fact]
    public async Task Delivery_confirmation_announces_ShipmentDelivered_once_and_then_cancel_is_409()
    {
        var orderId = Guid.NewGuid();
        await _app.CreateAsync(orderId, Ct);
        for (var i = 0; i < 2; i++)
        {
            var response = await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(ShipmentStatus.Delivered, (await response.Content.ReadFromJsonAsync<Shipment>(Ct))!.Status);
        }
        var delivered = Assert.Single(await _app.EventsAsync(Ct), e => e.Data is ShipmentDelivered);
        Assert.Equal("ShipmentDelivered", delivered.Type);

        var cancel = await _app.Sidecar().PostAsync(ShippingRoutes.Cancel(orderId), null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        await cancel.ReadProblemAsync(Ct);
        Assert.Equal("Delivered", (await _app.Admin().GetFromJsonAsync<JsonElement>($"/api/shipping/{orderId}", Ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_delivery_the_broker_refused_writes_nothing_and_is_503_then_the_retry_delivers_and_announces_once()
    {
        var orderId = Guid.NewGuid();
        await _app.CreateAsync(orderId, Ct);
        var before = _app.Dapr.Snapshot();
        _app.Wire.FailPublishes = true; // the sidecar's outbox refuses the transaction when the broker does

        var failed = await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        await failed.ReadProblemAsync(Ct);
        Assert.Equal(before, _app.Dapr.Snapshot());
        Assert.DoesNotContain(await _app.EventsAsync(Ct), e => e.Data is ShipmentDelivered);

        _app.Wire.FailPublishes = false;
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct)).StatusCode);
        Assert.Equal(ShipmentStatus.Delivered, _app.Dapr.Read<ShipmentRecord>($"shipment-{orderId}")!.Status);
        Assert.Single(await _app.EventsAsync(Ct), e => e.Data is ShipmentDelivered);
    }

    [Fact]
    public async Task A_create_the_broker_refused_leaves_no_shipment_so_the_retry_creates_it_and_announces_it_once()
    {
        var orderId = Guid.NewGuid();
        _app.Wire.FailPublishes = true;

        var failed = await _app.Sidecar().PostAsJsonAsync(ShippingRoutes.Shipments, ShippingFactory.Request(orderId), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        await failed.ReadProblemAsync(Ct);
        Assert.Empty(_app.Dapr.Snapshot());
        Assert.Empty(await _app.EventsAsync(Ct));

        _app.Wire.FailPublishes = false;
        var shipment = await _app.CreateAsync(orderId, Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await _app.Sidecar().PostAsync(ShippingRoutes.Cancel(orderId), null, Ct)).StatusCode);
        var events = await _app.EventsAsync(Ct);
        Assert.Equal([nameof(ShipmentCancelled), nameof(ShipmentCreated)], events.Select(e => e.Type).Order());
        Assert.Equal(shipment.TrackingNumber, Assert.IsType<ShipmentCreated>(events.Single(e => e.Type == nameof(ShipmentCreated)).Data).TrackingNumber);
    }

    [Fact]
    public async Task Delivering_an_unknown_order_is_404_and_a_cancelled_one_409()
    {
        var unknown = await _app.Admin().PostAsync($"/api/shipping/{Guid.NewGuid()}/delivered", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await unknown.ReadProblemAsync(Ct);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Admin().GetAsync($"/api/shipping/{Guid.NewGuid()}", Ct)).StatusCode);

        var orderId = Guid.NewGuid();
        await _app.CreateAsync(orderId, Ct);
        await _app.Sidecar().PostAsync(ShippingRoutes.Cancel(orderId), null, Ct);
        var cancelled = await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, cancelled.StatusCode);
        await cancelled.ReadProblemAsync(Ct);
        Assert.DoesNotContain(await _app.EventsAsync(Ct), e => e.Data is ShipmentDelivered);
    }
}
