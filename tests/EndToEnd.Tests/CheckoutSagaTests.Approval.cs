using System.Net;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// A high-risk order (total of 1,000 or more: the rule-based fraud scorer's threshold) waits for an admin, who approves
/// or rejects it through <c>POST /api/orders/{id}/approval</c>.
/// </summary>
public sealed partial class CheckoutSagaTests
{
    [Fact]
    public async Task A_high_risk_order_waits_for_an_admin_and_completes_once_approved()
    {
        var ct = TestContext.Current.CancellationToken;
        var (admin, product, ledgerBefore, customer, orderId) = await HeldOrderAsync(0, "held-approved", ct);
        Assert.Equal(new StockLevel(product.Sku, 3, 0, 3), await _api.GetStockAsync(admin, product.Sku, ct));
        var held = (await _api.GetAsync<OrderList>(admin, "/api/orders?pageSize=100", ct))!;
        Assert.Contains(held.Items, o => o.Id == orderId && o.Status == "AwaitingApproval");

        var byCustomer = await _api.DecideAsync(customer, orderId, approved: true, "I trust me", ct);
        Assert.Equal(HttpStatusCode.Forbidden, byCustomer.StatusCode);
        var approval = await _api.DecideAsync(admin, orderId, approved: true, "Called the customer", ct);
        Assert.True(approval.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(approval));

        var order = await _api.AwaitTerminalAsync(customer, orderId, SagaLimit, ct);
        Assert.True(order.Status == "Completed", $"order {orderId} is {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
        var history = (await _api.GetAsync<List<HistoryEntry>>(customer, $"/api/orders/{orderId}/history", ct))!;
        Assert.Equal(new[] { "OrderSubmitted", "OrderAwaitingApproval", "StockReserved", "OrderPaid", "OrderShipped", "OrderCompleted" }, history.Select(h => h.Type));
        Assert.Equal(new StockLevel(product.Sku, 2, 0, 2), await _api.GetStockAsync(admin, product.Sku, ct));
        var ledgerAfter = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;
        Assert.Equal((ledgerBefore.Charges + 1, ledgerBefore.Charged + order.Total), (ledgerAfter.Charges, ledgerAfter.Charged));

        var again = await _api.DecideAsync(admin, orderId, approved: false, "too late", ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_rejected_high_risk_order_is_cancelled_with_the_reason_keeps_the_stock_and_charges_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (admin, product, ledgerBefore, customer, orderId) = await HeldOrderAsync(1, "held-rejected", ct);
        var rejection = await _api.DecideAsync(admin, orderId, approved: false, "Card reported stolen", ct);
        Assert.True(rejection.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(rejection));

        var order = await _api.AwaitTerminalAsync(customer, orderId, SagaLimit, ct);
        Assert.True(order.Status == "Cancelled", $"order {orderId} is {order.Status}\n{_api.LogTail()}");
        Assert.Contains("Card reported stolen", order.CancellationReason, StringComparison.Ordinal);
        Assert.False(order.Refunded);
        Assert.Null(order.PaymentId);
        var history = (await _api.GetAsync<List<HistoryEntry>>(customer, $"/api/orders/{orderId}/history", ct))!;
        Assert.Equal(new[] { "OrderSubmitted", "OrderAwaitingApproval", "OrderCancelled" }, history.Select(h => h.Type));
        Assert.Equal(new StockLevel(product.Sku, 3, 0, 3), await _api.GetStockAsync(admin, product.Sku, ct));
        Assert.Equal(HttpStatusCode.NotFound, await _api.StatusOfAsync(admin, $"/api/payments/{orderId}", ct));
        Assert.Equal(ledgerBefore, (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd);

        var email = await _api.AwaitEmailAsync(orderId, "OrderCancelled", MailLimit, ct);
        Assert.Contains("Card reported stolen", email, StringComparison.Ordinal);
    }

    /// <summary>
    /// One unit of a high-risk product (the <paramref name="product"/>-th priced 1,000–5,000, stocked 3) ordered with an
    /// approving card and waiting for the admin; with the admin's token and the ledger before the order.
    /// </summary>
    private async Task<(string Admin, CatalogProduct Product, LedgerLine LedgerBefore, string Customer, Guid OrderId)> HeldOrderAsync(
        int product, string shopper, CancellationToken ct)
    {
        var admin = await _api.LoginAdminAsync(ct);
        var chosen = (await _api.ProductsPricedAsync(1000m, 5000m, 2, ct))[product];
        await _api.SetStockAsync(admin, chosen.Sku, 3, ct);
        var ledgerBefore = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;
        var (customer, orderId) = await _api.PlaceOrderAsync(shopper, chosen.Id, 1, SagaClient.ApprovingCard, ct);
        await _api.AwaitStatusAsync(customer, orderId, "AwaitingApproval", EventLimit, ct);
        return (admin, chosen, ledgerBefore, customer, orderId);
    }
}
