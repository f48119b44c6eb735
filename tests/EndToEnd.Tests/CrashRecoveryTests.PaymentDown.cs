using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>In the chaos shop (payment is the test's to stop): checkout needs payment's card vault before any order exists.</summary>
public sealed partial class CrashRecoveryTests
{
    [Fact]
    public async Task Checkout_while_payment_is_down_is_503_with_retry_after_through_the_gateway_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(9, 400m, ct))[8]; // the crash tests use the eight before it
        await _api.SetStockAsync(admin, product.Sku, 5, ct);
        var (customer, _) = await _api.NewCustomerAsync("no-payment", ct);
        await _api.AddToCartAsync(customer, product.Id, 1, ct);
        var key = Guid.NewGuid().ToString();
        var payment = shop.Owned(ChaosShopFixture.Payment);

        await payment.KillAsync(ct);
        HttpResponseMessage refused;
        try
        {
            refused = await _api.CheckoutAsync(customer, SagaClient.ApprovingCard, key, ct);
        }
        finally
        {
            payment.Start();
            await payment.WaitReadyAsync(TimeSpan.FromMinutes(1), ct);
        }

        Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, await _api.DescribeAsync(refused));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal(503, (await refused.Content.ReadFromJsonAsync<JsonElement>(SagaClient.Json, ct)).GetProperty("status").GetInt32());
        Assert.Equal(0, (await _api.GetAsync<OrderList>(customer, "/api/orders", ct))!.Total);
        Assert.Equal(1, (await _api.GetAsync<JsonElement>(customer, "/api/cart", ct)).GetProperty("lines").GetArrayLength());

        // Payment is back: the same request with the same key places the order.
        var placed = await _api.CheckoutAsync(customer, SagaClient.ApprovingCard, key, ct);
        Assert.True(placed.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(placed));
        var orderId = (await placed.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId;
        var order = await _api.AwaitTerminalAsync(customer, orderId, TimeSpan.FromSeconds(90), ct);
        Assert.True(order.Status == "Completed", $"order {orderId} is {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
    }
}
