namespace ShopDapr.DevSidecar.Invocation;

/// <summary>Which headers travel with an invocation, as daprd's pkg/messaging/v1 filters them.</summary>
internal static class InvocationHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string AppIdHeader = "dapr-app-id";
    public const string CallerAppId = "dapr-caller-app-id";
    public const string CallerNamespace = "dapr-caller-namespace";
    public const string CalleeAppId = "dapr-callee-app-id";
    public const string HttpStatus = "dapr-http-status";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings", "te",
        "trailer", "proxy-authorization", "proxy-authenticate",
    };

    /// <summary>Never forwarded: framing, the sidecar's own credentials and identity, and headers a sidecar sets itself.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "content-type", "dapr-api-token", AppIdHeader, TraceParent, TraceState,
        CallerAppId, CallerNamespace, CalleeAppId,
    };

    /// <summary>The headers of a request or response that pass through a sidecar.</summary>
    public static List<KeyValuePair<string, string>> Forwardable(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var list = headers.ToList();
        var nominated = list.Where(h => h.Key.Equals("connection", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return list.Where(h => !HopByHop.Contains(h.Key) && !Reserved.Contains(h.Key) && !nominated.Contains(h.Key)).ToList();
    }

    /// <summary>Response headers the sidecar must not copy (framing is its own).</summary>
    public static bool IsFraming(string name) =>
        HopByHop.Contains(name) || name.Equals("content-length", StringComparison.OrdinalIgnoreCase) || name.Equals("content-type", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<KeyValuePair<string, string>> Flatten(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)));
}
