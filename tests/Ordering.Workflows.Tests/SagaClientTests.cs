using System.Net;
using System.Text;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Tests;

/// <summary>Which answers are refusals (returned: not retried) and which are transient faults (thrown: retried by the policy).</summary>
public sealed class SagaClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Answering(HttpStatusCode status, string? json = null) =>
        new(new Answer(status, json)) { BaseAddress = new Uri("http://app") };

    private static readonly ChargeRequest Charge = new(Guid.NewGuid(), 10m, "EUR", SagaContext.CardToken);

    [Fact]
    public async Task A_declined_card_402_is_a_refusal_with_the_reason()
    {
        var outcome = await new PaymentClient(Answering(HttpStatusCode.PaymentRequired, """{"status":402,"title":"Payment declined","detail":"card declined"}"""))
            .ChargeAsync(Charge, Ct);
        Assert.False(outcome.Succeeded);
        Assert.Equal("Payment declined: card declined", outcome.FailureReason);
    }

    [Fact]
    public async Task A_card_token_unknown_to_the_vault_422_is_a_refusal_not_a_retry()
    {
        var outcome = await new PaymentClient(Answering(HttpStatusCode.UnprocessableEntity,
            """{"status":422,"title":"The card is not in the vault","detail":"The card token names no vaulted card; nothing was charged.","code":"card_not_found"}"""))
            .ChargeAsync(Charge, Ct);
        Assert.False(outcome.Succeeded);
        Assert.Equal("Payment refused (422): The card token names no vaulted card; nothing was charged.", outcome.FailureReason);
    }

    [Fact]
    public async Task A_503_from_payment_is_thrown_to_be_retried()
    {
        var e = await Assert.ThrowsAsync<TransientServiceException>(() =>
            new PaymentClient(Answering(HttpStatusCode.ServiceUnavailable, """{"status":503,"detail":"provider busy"}""")).ChargeAsync(Charge, Ct));
        Assert.Contains("provider busy", e.Message);
    }

    [Fact]
    public async Task A_charge_returns_the_payment_id()
    {
        var outcome = await new PaymentClient(Answering(HttpStatusCode.OK,
            $$"""{"orderId":"{{Charge.OrderId}}","paymentId":"pay-9","status":"Charged","amount":10,"currency":"EUR"}""")).ChargeAsync(Charge, Ct);
        Assert.Equal((true, "pay-9", 10m), (outcome.Succeeded, outcome.PaymentId, outcome.Amount));
    }

    [Fact]
    public async Task Short_stock_409_is_a_refusal_and_a_refund_of_nothing_is_done()
    {
        var reserve = await new InventoryClient(Answering(HttpStatusCode.Conflict, """{"status":409,"detail":"SKU-1 is short","sku":"SKU-1"}"""))
            .ReserveAsync(new ReserveStockRequest(Guid.NewGuid(), [new StockLine("SKU-1", 3)]), Ct);
        Assert.Equal(StepOutcome.Refused("Out of stock: SKU-1 is short"), reserve);
        Assert.False(await new PaymentClient(Answering(HttpStatusCode.NotFound)).RefundAsync(Guid.NewGuid(), Ct));
        Assert.True(await new PaymentClient(Answering(HttpStatusCode.OK, "{}")).RefundAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task An_unreachable_service_is_transient()
    {
        var http = new HttpClient(new Unreachable()) { BaseAddress = new Uri("http://app") };
        await Assert.ThrowsAsync<TransientServiceException>(() => new InventoryClient(http).ReleaseAsync(Guid.NewGuid(), Ct));
    }

    private sealed class Answer(HttpStatusCode status, string? json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status)
            {
                Content = json is null ? new ByteArrayContent([]) : new StringContent(json, Encoding.UTF8, "application/problem+json"),
            });
    }

    private sealed class Unreachable : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("connection refused");
    }
}
