using System.Diagnostics;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// The W3C trace context daprd writes into a CloudEvent: a child of the caller's <c>traceparent</c> when it sent one,
/// otherwise a new trace (daprd always has a span, so its events always carry one).
/// </summary>
internal static class TraceContext
{
    public static (string TraceParent, string TraceState) ForPublish(string? incomingTraceParent, string? incomingTraceState)
    {
        var flags = "01";
        ActivityTraceId traceId;
        if (incomingTraceParent is { Length: 55 } p && p[2] == '-' && p[35] == '-' && p[52] == '-')
        {
            try
            {
                traceId = ActivityTraceId.CreateFromString(p.AsSpan(3, 32));
                flags = p[53..];
            }
            catch (ArgumentOutOfRangeException)
            {
                traceId = ActivityTraceId.CreateRandom();
            }
        }
        else
        {
            traceId = ActivityTraceId.CreateRandom();
        }
        return ($"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-{flags}", incomingTraceState ?? "");
    }
}
