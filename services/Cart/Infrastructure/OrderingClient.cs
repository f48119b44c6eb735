using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Cart.Infrastructure;

/// <summary>ordering's answer to a place-order: accepted (202 new, 200 repeat) or refused with its reason.</summary>
public abstract record PlaceOrderAnswer
{
    public sealed record Accepted(Guid OrderId, bool Repeat) : PlaceOrderAnswer;
    public sealed record Refused(int Status, string Detail) : PlaceOrderAnswer;
}

/// <summary>Places orders with the ordering app through the Dapr sidecar (service invocation).</summary>
public sealed class OrderingClient(HttpClient http)
{
    /// <summary>Any failure other than a 4xx answer throws <see cref="OrderingUnavailableException"/>.</summary>
    public async Task<PlaceOrderAnswer> PlaceAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        using var response = await CalleeCall.SendAsync(() => http.PostAsJsonAsync(OrderingRoutes.PlaceOrder, request, cancellationToken), Callee, Unavailable);
        if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
        {
            var placed = await CalleeCall.ReadAsync<PlaceOrderResponse>(response, Callee, Unavailable, cancellationToken);
            return placed.OrderId != Guid.Empty
                ? new PlaceOrderAnswer.Accepted(placed.OrderId, response.StatusCode == HttpStatusCode.OK)
                : throw new OrderingUnavailableException($"{Callee} answered without an order id.", null);
        }
        // 409 is ordering's "a key changed concurrently; retry" (the same key places the same order): not a refusal.
        if ((int)response.StatusCode is >= 400 and < 500
            && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests))
            return new PlaceOrderAnswer.Refused((int)response.StatusCode, await DetailAsync(response, cancellationToken));
        throw new OrderingUnavailableException($"{Callee} answered {(int)response.StatusCode}.", null);
    }

    private const string Callee = "Ordering";

    private static OrderingUnavailableException Unavailable(string message, Exception? inner) => new(message, inner);

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()!
                : problem.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
                : $"Ordering answered {(int)response.StatusCode}.";
        }
        catch (JsonException)
        {
            return $"Ordering answered {(int)response.StatusCode}.";
        }
    }
}

public sealed class OrderingUnavailableException(string message, Exception? inner) : Exception(message, inner);
