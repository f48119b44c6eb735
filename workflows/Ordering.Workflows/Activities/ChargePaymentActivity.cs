using Dapr.Workflow;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>Step 3: charge the card. The order id is payment's idempotency key, so a retried charge charges once.</summary>
public sealed class ChargePaymentActivity(PaymentClient payment) : WorkflowActivity<OrderSnapshot, PaymentOutcome>
{
    public override Task<PaymentOutcome> RunAsync(WorkflowActivityContext context, OrderSnapshot input) =>
        payment.ChargeAsync(new ChargeRequest(input.OrderId, input.Total, input.Currency, input.Card), CancellationToken.None);
}

/// <summary>Compensation of <see cref="ChargePaymentActivity"/>. Idempotent at payment; true when money went back.</summary>
public sealed class RefundPaymentActivity(PaymentClient payment) : WorkflowActivity<Guid, bool>
{
    public override Task<bool> RunAsync(WorkflowActivityContext context, Guid input) =>
        payment.RefundAsync(input, CancellationToken.None);
}
