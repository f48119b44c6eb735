using Dapr.DurableTask.Protobuf;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// W3C trace context through workflows, as daprd's workflow backend carries it: the start request's context goes into
/// the instance's <c>ExecutionStarted</c> event under a span of the sidecar's own, and each scheduled activity and child
/// workflow gets a span under that one, handed to the worker in its <c>ActivityRequest</c>. The SDK's worker starts its
/// activity spans from it, so calls an activity makes continue the trace that started the workflow.
/// </summary>
internal static class WorkflowTrace
{
    /// <summary>A new span in <paramref name="parent"/>'s trace; null when there is no trace to continue.</summary>
    public static TraceContext? Child(TraceContext? parent) =>
        parent is { TraceParent.Length: > 0 }
            ? new TraceContext { TraceParent = Invocation.TraceContext.Continue(parent.TraceParent, samplingRate: 0), TraceState = parent.TraceState }
            : null;

    /// <summary>The context a start request carried in its <c>traceparent</c>/<c>tracestate</c> headers, if any.</summary>
    public static TraceContext? FromHeaders(string? traceParent, string? traceState) =>
        string.IsNullOrEmpty(traceParent)
            ? null
            : new TraceContext { TraceParent = traceParent, TraceState = string.IsNullOrEmpty(traceState) ? null : traceState };
}
