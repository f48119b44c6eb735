using Dapr.Workflow;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>Step 4: create the shipment, then record <c>OrderShipped</c>. Idempotent per order at shipping.</summary>
public sealed class CreateShipmentActivity(ShippingClient shipping, OrderEventRecorder recorder) : WorkflowActivity<SagaStep, ShipmentOutcome>
{
    public override async Task<ShipmentOutcome> RunAsync(WorkflowActivityContext context, SagaStep input)
    {
        var order = input.Order;
        var outcome = await shipping.CreateAsync(new CreateShipmentRequest(order.OrderId, order.ShippingAddress, StockLines.Of(order)), CancellationToken.None);
        if (outcome.Succeeded)
            await recorder.RecordAsync(input.Shipped(outcome), CancellationToken.None);
        return outcome;
    }
}

/// <summary>Compensation of <see cref="CreateShipmentActivity"/>. Idempotent; a delivered shipment stays (refused, reported).</summary>
public sealed class CancelShipmentActivity(ShippingClient shipping) : WorkflowActivity<Guid, StepOutcome>
{
    public override Task<StepOutcome> RunAsync(WorkflowActivityContext context, Guid input) =>
        shipping.CancelAsync(input, CancellationToken.None);
}
