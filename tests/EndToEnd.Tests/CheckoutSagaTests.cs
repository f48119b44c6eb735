using System.Net;
using System.Net.Http.Json;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// The checkout saga across the real processes: cart → ordering's workflow → inventory, payment, shipping →
/// notifications' e-mail. Tests of one class run one after another, so each reads the payment ledger without another
/// test's charge in between; each uses its own product (SKU), so stock figures are its own.
/// </summary>
public sealed partial class CheckoutSagaTests(ShopFixture shop)
{
    private static readonly TimeSpan SagaLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MailLimit = TimeSpan.FromSeconds(30);

    private readonly SagaClient _api = new(shop);

    [Fact]
    public async Task A_paid_order_completes_takes_the_stock_charges_the_card_and_emails_the_customer()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(4, 400m, ct))[0];
        await _api.SetStockAsync(admin, product.Sku, 10, ct);
        var ledgerBefore = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;

        var (customer, _) = await _api.NewCustomerAsync("happy", ct);
        await _api.AddToCartAsync(customer, product.Id, 2, ct);
        var checkout = await _api.CheckoutAsync(customer, SagaClient.ApprovingCard, Guid.NewGuid().ToString(), ct);
        Assert.True(checkout.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(checkout));
        var orderId = (await checkout.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId;
        Assert.Equal($"/api/orders/{orderId}", checkout.Headers.Location?.OriginalString);

        var order = await _api.AwaitTerminalAsync(customer, orderId, SagaLimit, ct);
        Assert.True(order.Status == "Completed", $"order {orderId} is {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
        Assert.Equal(product.Price * 2, order.Total);
        Assert.NotNull(order.PaymentId);

        var history = (await _api.GetAsync<List<HistoryEntry>>(customer, $"/api/orders/{orderId}/history", ct))!;
        Assert.Equal(new[] { "OrderSubmitted", "StockReserved", "OrderPaid", "OrderShipped", "OrderCompleted" }, history.Select(h => h.Type));
        Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(h => h.Version));

        var stock = await _api.GetStockAsync(admin, product.Sku, ct);
        Assert.Equal(new StockLevel(stock.Sku, 8, 0, 8), stock);

        var payment = (await _api.GetAsync<Payment>(admin, $"/api/payments/{orderId}", ct))!;
        Assert.Equal(("Charged", order.Total, order.PaymentId), (payment.State, payment.Amount, payment.PaymentId));
        var ledgerAfter = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;
        Assert.Equal(ledgerBefore.Charges + 1, ledgerAfter.Charges);
        Assert.Equal(ledgerBefore.Charged + order.Total, ledgerAfter.Charged);

        var email = await _api.AwaitEmailAsync(orderId, "OrderCompleted", MailLimit, ct);
        Assert.Contains($"Your order #{orderId.ToString("N")[..8].ToUpperInvariant()} is confirmed", email, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declined_card_cancels_the_order_returns_the_stock_charges_nothing_and_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(4, 400m, ct))[1];
        await _api.SetStockAsync(admin, product.Sku, 7, ct);
        var ledgerBefore = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;

        var (customer, _) = await _api.NewCustomerAsync("declined", ct);
        await _api.AddToCartAsync(customer, product.Id, 1, ct);
        var checkout = await _api.CheckoutAsync(customer, SagaClient.DecliningCard, Guid.NewGuid().ToString(), ct);
        Assert.True(checkout.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(checkout));
        var orderId = (await checkout.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId;

        var order = await _api.AwaitTerminalAsync(customer, orderId, SagaLimit, ct);
        Assert.True(order.Status == "Cancelled", $"order {orderId} is {order.Status}\n{_api.LogTail()}");
        Assert.False(string.IsNullOrWhiteSpace(order.CancellationReason));
        Assert.Contains("declined", order.CancellationReason, StringComparison.OrdinalIgnoreCase);
        Assert.False(order.Refunded);

        var history = (await _api.GetAsync<List<HistoryEntry>>(customer, $"/api/orders/{orderId}/history", ct))!;
        Assert.Equal(new[] { "OrderSubmitted", "StockReserved", "OrderCancelled" }, history.Select(h => h.Type));

        var stock = await _api.GetStockAsync(admin, product.Sku, ct);
        Assert.Equal(new StockLevel(stock.Sku, 7, 0, 7), stock);

        using (var get = new HttpRequestMessage(HttpMethod.Get, $"/api/payments/{orderId}"))
        {
            get.Headers.Authorization = new("Bearer", admin);
            var response = await _api.Http.SendAsync(get, ct);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                Assert.True(response.IsSuccessStatusCode, await _api.DescribeAsync(response));
                var payment = (await response.Content.ReadFromJsonAsync<Payment>(SagaClient.Json, ct))!;
                Assert.NotEqual("Charged", payment.State);
                Assert.NotEqual("Refunded", payment.State); // nothing was taken, so nothing went back
            }
        }
        var ledgerAfter = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;
        Assert.Equal(ledgerBefore, ledgerAfter);

        var email = await _api.AwaitEmailAsync(orderId, "OrderCancelled", MailLimit, ct);
        Assert.Contains($"Reason: {order.CancellationReason}", email, StringComparison.Ordinal);
        Assert.Contains("You have not been charged.", email, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_is_one_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(4, 400m, ct))[2];
        await _api.SetStockAsync(admin, product.Sku, 5, ct);

        var (customer, _) = await _api.NewCustomerAsync("twice", ct);
        await _api.AddToCartAsync(customer, product.Id, 1, ct);
        var key = Guid.NewGuid().ToString();
        var first = await _api.CheckoutAsync(customer, SagaClient.ApprovingCard, key, ct);
        Assert.True(first.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(first));
        var second = await _api.CheckoutAsync(customer, SagaClient.ApprovingCard, key, ct);
        Assert.True(second.StatusCode == HttpStatusCode.OK, await _api.DescribeAsync(second));

        var firstId = (await first.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId;
        var secondId = (await second.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId;
        Assert.Equal(firstId, secondId);

        var order = await _api.AwaitTerminalAsync(customer, firstId, SagaLimit, ct);
        Assert.True(order.Status == "Completed", $"order {firstId} is {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
        var orders = (await _api.GetAsync<OrderList>(customer, "/api/orders", ct))!;
        Assert.Equal(firstId, Assert.Single(orders.Items).Id);
        Assert.Equal(1, orders.Total);
        Assert.Equal(new StockLevel(product.Sku, 4, 0, 4), (await _api.GetStockAsync(admin, product.Sku, ct)) with { Sku = product.Sku });
    }
}
