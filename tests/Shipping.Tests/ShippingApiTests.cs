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
        Assert.Equal(shipment.TrackingNumber, Assert.IsType<ShipmentCreated>(data).TrackingNumber);
        Assert.Equal(("pubsub", "order-events"), (_app.Dapr.Published.All.Single().PubSub, _app.Dapr.Published.All.Single().Topic));
    }

    [Fact]
    public async Task Concurrent_duplicate_creates_make_one_shipment_and_one_event()
    {
        const int duplicates = 8;
        var orderId = Guid.NewGuid();
        // Hold every duplicate's first write until all have read "no shipment": they then race to insert at the same moment.
        var arrived = 0;
        var allRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.BeforeWrite = async () =>
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
    public async Task A_delivery_whose_event_failed_to_publish_is_announced_by_the_retry_once()
    {
        var orderId = Guid.NewGuid();
        await _app.CreateAsync(orderId, Ct);
        _app.FailNextPublishes(1);
        var failed = await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        await failed.ReadProblemAsync(Ct);
        Assert.DoesNotContain(await _app.EventsAsync(Ct), e => e.Data is ShipmentDelivered);

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct)).StatusCode);
        Assert.Single(await _app.EventsAsync(Ct), e => e.Data is ShipmentDelivered);
        Assert.Equal(Announcement.Done, _app.Dapr.Read<ShipmentRecord>($"shipment-{orderId}")!.Announcement);
    }

    [Fact]
    public async Task A_create_whose_event_failed_is_announced_before_the_cancel()
    {
        var orderId = Guid.NewGuid();
        _app.FailNextPublishes(1);
        var failed = await _app.Sidecar().PostAsJsonAsync(ShippingRoutes.Shipments, ShippingFactory.Request(orderId), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _app.Sidecar().PostAsync(ShippingRoutes.Cancel(orderId), null, Ct)).StatusCode);
        Assert.Equal([nameof(ShipmentCreated), nameof(ShipmentCancelled)], _app.Sent);
        Assert.Equal([nameof(ShipmentCancelled), nameof(ShipmentCreated)], (await _app.EventsAsync(Ct)).Select(e => e.Type).Order());
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
