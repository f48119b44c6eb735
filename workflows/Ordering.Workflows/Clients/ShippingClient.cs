using System.Net;
using System.Net.Http.Json;
using ShopDapr.Contracts.Shipping;

namespace ShopDapr.Ordering.Workflows.Clients;

/// <summary>shipping's shipment routes, through the sidecar. Create is idempotent per order at shipping.</summary>
public sealed class ShippingClient(HttpClient http)
{
    private const string Service = "shipping";

    public async Task<ShipmentOutcome> CreateAsync(CreateShipmentRequest request, CancellationToken cancellationToken)
    {
        using var response = await ServiceCall.SendAsync(http, Service, h => h.PostAsJsonAsync(ShippingRoutes.Shipments, request, cancellationToken));
        if (response.IsSuccessStatusCode)
        {
            var shipment = await ServiceCall.ReadAsync<Shipment>(response, Service);
            return new ShipmentOutcome(true, shipment.ShipmentId, shipment.TrackingNumber, null);
        }
        return new ShipmentOutcome(false, null, null, $"Shipment refused ({(int)response.StatusCode}): {await ServiceCall.DetailAsync(response)}");
    }

    /// <summary>Idempotent (204). A delivered shipment cannot be cancelled (409): returned as a refusal.</summary>
    public async Task<StepOutcome> CancelAsync(Guid orderId, CancellationToken cancellationToken)
    {
        using var response = await ServiceCall.SendAsync(http, Service, h => h.PostAsync(ShippingRoutes.Cancel(orderId), null, cancellationToken));
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound)
            return StepOutcome.Done;
        if (response.StatusCode == HttpStatusCode.Conflict)
            return StepOutcome.Refused($"The shipment could not be cancelled: {await ServiceCall.DetailAsync(response)}");
        throw await ServiceCall.UnexpectedAsync(response, Service, "cancelling a shipment");
    }
}
