using System.Net;
using System.Net.Http.Json;
using ShopDapr.Contracts.Payment;

namespace ShopDapr.Ordering.Workflows.Clients;

/// <summary>payment's charge and refund routes, through the sidecar. Both are idempotent per order at payment.</summary>
public sealed class PaymentClient(HttpClient http)
{
    private const string Service = "payment";

    /// <summary>
    /// 402 (declined, insufficient funds) and any other 4xx (422: the card token is not in the vault) are refusals: the
    /// same card will not do better on a retry.
    /// Except 409: an earlier attempt for this order still holds the charge (its caller timed out or crashed, or payment
    /// restarted mid-charge) and may yet take the money, so it is thrown and retried until that attempt's outcome is known.
    /// </summary>
    public async Task<PaymentOutcome> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        using var response = await ServiceCall.SendAsync(http, Service, h => h.PostAsJsonAsync(PaymentRoutes.Charges, request, cancellationToken));
        if (response.IsSuccessStatusCode)
        {
            var result = await ServiceCall.ReadAsync<PaymentResult>(response, Service);
            return new PaymentOutcome(true, result.PaymentId, result.Amount, null);
        }
        var detail = await ServiceCall.DetailAsync(response);
        if (response.StatusCode == HttpStatusCode.Conflict)
            throw new TransientServiceException($"{Service} answered 409: {detail}");
        return response.StatusCode == HttpStatusCode.PaymentRequired
            ? new PaymentOutcome(false, null, 0, $"Payment declined: {detail}")
            : new PaymentOutcome(false, null, 0, $"Payment refused ({(int)response.StatusCode}): {detail}");
    }

    /// <summary>Idempotent. True when money went back (200); false when nothing had been charged (404), which is done too.</summary>
    public async Task<bool> RefundAsync(Guid orderId, CancellationToken cancellationToken)
    {
        using var response = await ServiceCall.SendAsync(http, Service, h => h.PostAsync(PaymentRoutes.Refund(orderId), null, cancellationToken));
        if (response.IsSuccessStatusCode)
            return true;
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        throw await ServiceCall.UnexpectedAsync(response, Service, "a refund");
    }
}
