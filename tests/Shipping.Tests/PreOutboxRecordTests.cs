using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Shipping.Domain;

namespace ShopDapr.Shipping.Tests;

/// <summary>
/// Shipments stored before shipping published through the outbox carry an <c>announcement</c> field (0 pending, 1 done,
/// 2 failed): they still read and answer, and one whose event never went out gets it out once with the next command.
/// </summary>
public sealed class PreOutboxRecordTests : IAsyncLifetime
{
    private ShippingFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await ShippingFactory.StartAsync(Ct);
        _app.Sidecar();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Writes a delivered shipment as the previous version did: through the plain store, with its announcement.</summary>
    private async Task<ShipmentRecord> StoreOldDeliveredAsync(Guid orderId, string announcement)
    {
        var createdAt = DateTimeOffset.UtcNow.AddHours(-2);
        var request = new CreateShipmentRequest(orderId, new Address("Ada Lovelace", "1 Analytical Way", "London", "N1 9GU", "GB"), [new StockLine("SKU-001", 2)]);
        var record = ShipmentRecord.Create(request, createdAt) with { Status = ShipmentStatus.Delivered, DeliveredAt = createdAt.AddHours(1) };
        var json = JsonSerializer.SerializeToNode(record, JsonSerializerOptions.Web)!.AsObject();
        json["announcement"] = JsonNode.Parse(announcement);
        await _app.Dapr.WriteAsync($"shipment-{orderId}", json, Ct);
        return record;
    }

    [Theory]
    [InlineData("1")]
    [InlineData("\"Done\"")]
    public async Task An_old_record_whose_event_went_out_reads_and_a_repeat_answers_it_publishing_and_writing_nothing(string announcement)
    {
        var orderId = Guid.NewGuid();
        var old = await StoreOldDeliveredAsync(orderId, announcement);
        var etag = _app.Dapr.ETag($"shipment-{orderId}");

        var view = await _app.Admin().GetFromJsonAsync<JsonElement>($"/api/shipping/{orderId}", Ct);
        Assert.Equal(("Delivered", old.TrackingNumber), (view.GetProperty("status").GetString(), view.GetProperty("trackingNumber").GetString()));
        var again = await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var cancel = await _app.Sidecar().PostAsync(ShippingRoutes.Cancel(orderId), null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);

        Assert.Empty(await _app.EventsAsync(Ct));
        Assert.Equal(etag, _app.Dapr.ETag($"shipment-{orderId}"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("\"Failed\"")]
    public async Task An_old_record_whose_event_never_went_out_gets_it_out_once_with_the_next_command(string announcement)
    {
        var orderId = Guid.NewGuid();
        var old = await StoreOldDeliveredAsync(orderId, announcement);

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await _app.Admin().PostAsync($"/api/shipping/{orderId}/delivered", null, Ct)).StatusCode);

        var (data, type) = Assert.Single(await _app.EventsAsync(Ct));
        Assert.Equal(nameof(ShipmentDelivered), type);
        Assert.Equal(new ShipmentDelivered(orderId, old.ShipmentId, old.DeliveredAt!.Value), data);
        var stored = JsonDocument.Parse(_app.Dapr.Snapshot()[$"shipment-{orderId}"].Json).RootElement;
        Assert.False(stored.TryGetProperty("announcement", out _)); // saved again without it: nothing is owed any more
        var read = _app.Dapr.Read<ShipmentRecord>($"shipment-{orderId}")!;
        Assert.Equal((old.ToShipment(), old.DeliveredAt, old.Address), (read.ToShipment(), read.DeliveredAt, read.Address));
    }
}
