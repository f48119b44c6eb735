using System.Net;
using System.Text;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Tests;

/// <summary>
/// payment answers 409 "being processed; retry" while an earlier attempt for the order still holds its claim — after the
/// caller timed out, or ordering was killed mid-charge and restarted within payment's 30 s stale-claim window. Taken as a
/// refusal, the order was cancelled without a refund while that attempt could still charge the card.
/// </summary>
public sealed class PaymentInProgressTests
{
    private static readonly ChargeRequest Charge = new(Guid.NewGuid(), 10m, "USD", SagaContext.CardToken);

    [Fact]
    public async Task A_charge_still_in_progress_409_is_thrown_to_be_retried_not_taken_as_a_refusal()
    {
        var http = new HttpClient(new Conflict()) { BaseAddress = new Uri("http://payment") };
        var e = await Assert.ThrowsAsync<TransientServiceException>(() => new PaymentClient(http).ChargeAsync(Charge, TestContext.Current.CancellationToken));
        Assert.Contains("is in progress", e.Message, StringComparison.Ordinal);
    }

    private sealed class Conflict : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.Conflict)
            {
                Content = new StringContent(
                    $$"""{"status":409,"title":"The payment is being processed; retry","detail":"Another request for order {{Charge.OrderId}} is in progress."}""",
                    Encoding.UTF8, "application/problem+json"),
            });
    }
}
