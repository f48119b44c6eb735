using Dapr.Workflow;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>
/// Appends a status change to the order's event stream (which publishes it through the outbox). Idempotent by the
/// draft's event id: a retry after a lost answer appends nothing new. Returns the event's version.
/// </summary>
public sealed class RecordOrderEventActivity(IOrderEventLog events, TimeProvider time) : WorkflowActivity<OrderEventDraft, long>
{
    public override Task<long> RunAsync(WorkflowActivityContext context, OrderEventDraft input) =>
        events.AppendAsync(input.OrderId, input.EventId, version => input.ToEvent(version, time.GetUtcNow()), CancellationToken.None);
}
