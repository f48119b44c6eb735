using Dapr.Workflow;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>
/// Appends a status change no step records itself (held for approval, cancelled) to the order's event stream (which
/// publishes it through the outbox). Idempotent by the draft's event id: a retry after a lost answer appends nothing
/// new. Returns the event's version.
/// </summary>
public sealed class RecordOrderEventActivity(OrderEventRecorder recorder) : WorkflowActivity<OrderEventDraft, long>
{
    public override Task<long> RunAsync(WorkflowActivityContext context, OrderEventDraft input) =>
        recorder.RecordAsync(input, CancellationToken.None);
}
