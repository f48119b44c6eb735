using Dapr.Workflow;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>Step 2: reserve every line or none. Idempotent per order at inventory (a repeat is a no-op 200).</summary>
public sealed class ReserveStockActivity(InventoryClient inventory) : WorkflowActivity<OrderSnapshot, StepOutcome>
{
    public override Task<StepOutcome> RunAsync(WorkflowActivityContext context, OrderSnapshot input) =>
        inventory.ReserveAsync(new ReserveStockRequest(input.OrderId, StockLines.Of(input)), CancellationToken.None);
}

/// <summary>Confirms the reservation once the shipment exists: the stock is sold. Idempotent (204).</summary>
public sealed class ConfirmReservationActivity(InventoryClient inventory) : WorkflowActivity<Guid, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, Guid input)
    {
        await inventory.ConfirmAsync(input, CancellationToken.None);
        return true;
    }
}

/// <summary>Compensation of <see cref="ReserveStockActivity"/>. Idempotent (204).</summary>
public sealed class ReleaseStockActivity(InventoryClient inventory) : WorkflowActivity<Guid, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, Guid input)
    {
        await inventory.ReleaseAsync(input, CancellationToken.None);
        return true;
    }
}

internal static class StockLines
{
    public static IReadOnlyList<StockLine> Of(OrderSnapshot order) =>
        [.. order.Lines.GroupBy(l => l.Sku).Select(g => new StockLine(g.Key, g.Sum(l => l.Quantity)))];
}
