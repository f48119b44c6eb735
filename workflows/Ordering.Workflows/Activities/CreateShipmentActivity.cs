using Dapr.Workflow;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>Step 4: create the shipment. Idempotent per order at shipping.</summary>
public sealed class CreateShipmentActivity(ShippingClient shipping) : WorkflowActivity<OrderSnapshot, ShipmentOutcome>
{
    public override Task<ShipmentOutcome> RunAsync(WorkflowActivityContext context, OrderSnapshot input) =>
        shipping.CreateAsync(new CreateShipmentRequest(input.OrderId, input.ShippingAddress, StockLines.Of(input)), CancellationToken.None);
}

/// <summary>Compensation of <see cref="CreateShipmentActivity"/>. Idempotent; a delivered shipment stays (refused, reported).</summary>
public sealed class CancelShipmentActivity(ShippingClient shipping) : WorkflowActivity<Guid, StepOutcome>
{
    public override Task<StepOutcome> RunAsync(WorkflowActivityContext context, Guid input) =>
        shipping.CancelAsync(input, CancellationToken.None);
}
