using Dapr.Workflow;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>
/// Step 2: reserve every line or none, then record <c>StockReserved</c>. Idempotent per order at inventory (a repeat
/// is a no-op 200).
/// </summary>
public sealed class ReserveStockActivity(InventoryClient inventory, OrderEventRecorder recorder) : WorkflowActivity<SagaStep, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(WorkflowActivityContext context, SagaStep input)
    {
        var outcome = await inventory.ReserveAsync(new ReserveStockRequest(input.Order.OrderId, StockLines.Of(input.Order)), CancellationToken.None);
        if (outcome.Succeeded)
            await recorder.RecordAsync(input.StockReserved(), CancellationToken.None);
        return outcome;
    }
}

/// <summary>
/// The last step: confirm the reservation once the shipment exists (the stock is sold), then record
/// <c>OrderCompleted</c>. Idempotent (204).
/// </summary>
public sealed class ConfirmReservationActivity(InventoryClient inventory, OrderEventRecorder recorder) : WorkflowActivity<SagaStep, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, SagaStep input)
    {
        await inventory.ConfirmAsync(input.Order.OrderId, CancellationToken.None);
        await recorder.RecordAsync(input.Completed(), CancellationToken.None);
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
