using System.Net;
using System.Net.Http.Json;
using ShopDapr.Contracts.Inventory;

namespace ShopDapr.Ordering.Workflows.Clients;

/// <summary>inventory's reservation routes, through the sidecar (<c>DaprClient.CreateInvokeHttpClient("inventory")</c>).</summary>
public sealed class InventoryClient(HttpClient http)
{
    private const string Service = "inventory";

    /// <summary>Every line or none; a short line is a refusal (409), not a fault.</summary>
    public async Task<StepOutcome> ReserveAsync(ReserveStockRequest request, CancellationToken cancellationToken)
    {
        using var response = await ServiceCall.SendAsync(http, Service, h => h.PostAsJsonAsync(InventoryRoutes.Reservations, request, cancellationToken));
        if (response.IsSuccessStatusCode)
            return StepOutcome.Done;
        if (response.StatusCode == HttpStatusCode.Conflict)
            return StepOutcome.Refused($"Out of stock: {await ServiceCall.DetailAsync(response)}");
        throw await ServiceCall.UnexpectedAsync(response, Service, "a reservation");
    }

    public async Task ConfirmAsync(Guid orderId, CancellationToken cancellationToken)
    {
        using var response = await ServiceCall.SendAsync(http, Service, h => h.PostAsync(InventoryRoutes.Confirm(orderId), null, cancellationToken));
        if (!response.IsSuccessStatusCode)
            throw await ServiceCall.UnexpectedAsync(response, Service, "confirming a reservation");
    }

    /// <summary>Idempotent: releasing what was never reserved (404) is done too.</summary>
    public async Task ReleaseAsync(Guid orderId, CancellationToken cancellationToken)
    {
        using var response = await ServiceCall.SendAsync(http, Service, h => h.PostAsync(InventoryRoutes.Release(orderId), null, cancellationToken));
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            throw await ServiceCall.UnexpectedAsync(response, Service, "releasing a reservation");
    }
}
