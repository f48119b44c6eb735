using Dapr.Workflow;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>
/// Step 3: charge the card by its vault token, then record <c>OrderPaid</c>. The order id is payment's idempotency key,
/// so a retried charge charges once.
/// </summary>
public sealed class ChargePaymentActivity(PaymentClient payment, OrderEventRecorder recorder) : WorkflowActivity<SagaStep, PaymentOutcome>
{
    public override async Task<PaymentOutcome> RunAsync(WorkflowActivityContext context, SagaStep input)
    {
        var order = input.Order;
        var outcome = await payment.ChargeAsync(new ChargeRequest(order.OrderId, order.Total, order.Currency, order.Card.Token), CancellationToken.None);
        if (outcome.Succeeded)
            await recorder.RecordAsync(input.Paid(outcome), CancellationToken.None);
        return outcome;
    }
}

/// <summary>Compensation of <see cref="ChargePaymentActivity"/>. Idempotent at payment; true when money went back.</summary>
public sealed class RefundPaymentActivity(PaymentClient payment) : WorkflowActivity<Guid, bool>
{
    public override Task<bool> RunAsync(WorkflowActivityContext context, Guid input) =>
        payment.RefundAsync(input, CancellationToken.None);
}
