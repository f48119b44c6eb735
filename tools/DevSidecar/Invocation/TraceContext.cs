using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ShopDapr.DevSidecar.Invocation;

/// <summary>
/// W3C trace context (<c>traceparent: 00-traceid-spanid-flags</c>). Each sidecar a call passes through is one span:
/// it keeps the trace id and flags of a valid incoming traceparent and puts its own span id in, or starts a trace,
/// sampled with the Configuration's <c>spec.tracing.samplingRate</c>.
/// </summary>
public static partial class TraceContext
{
    public static string Continue(string? incoming, double samplingRate)
    {
        var span = ActivitySpanId.CreateRandom().ToHexString();
        if (incoming is not null && TraceParentFormat().Match(incoming.Trim()) is { Success: true } m
            && m.Groups["version"].Value != "ff"
            && m.Groups["trace"].Value != new string('0', 32)
            && m.Groups["parent"].Value != new string('0', 16))
        {
            return $"00-{m.Groups["trace"].Value}-{span}-{m.Groups["flags"].Value}";
        }
        var sampled = samplingRate > 0 && Random.Shared.NextDouble() < samplingRate;
        return $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{span}-{(sampled ? "01" : "00")}";
    }

    [GeneratedRegex("^(?<version>[0-9a-f]{2})-(?<trace>[0-9a-f]{32})-(?<parent>[0-9a-f]{16})-(?<flags>[0-9a-f]{2})")]
    private static partial Regex TraceParentFormat();
}
