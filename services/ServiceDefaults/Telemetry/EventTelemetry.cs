using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;

namespace ShopDapr.ServiceDefaults.Telemetry;

/// <summary>
/// What a subscriber reports about each event it handles. A bulk delivery carries many events, each from its own trace,
/// so one span for the request would join none of them: each entry gets a consumer span under the <c>traceparent</c> its
/// CloudEvent carries (the publisher's trace), and its lag (now minus the CloudEvent's <c>time</c>) goes into the
/// <c>shop.event.lag</c> histogram by topic and type.
/// </summary>
public static class EventTelemetry
{
    public const string Name = "ShopDapr.Events";

    private static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>(
        "shop.event.lag", unit: "s", description: "From an event's publication (CloudEvent time) to its handling by a subscriber.");

    /// <summary>Starts the span of one event's handling (null when nobody listens) and records its lag.</summary>
    public static Activity? Handling(JsonElement cloudEvent)
    {
        var type = Text(cloudEvent, "type") ?? "unknown";
        var topic = Text(cloudEvent, "topic") ?? "unknown";
        if (Text(cloudEvent, "time") is { } time
            && DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var published))
        {
            Lag.Record(Math.Max(0, (DateTimeOffset.UtcNow - published).TotalSeconds),
                new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("type", type));
        }
        ActivityContext.TryParse(Text(cloudEvent, "traceparent"), Text(cloudEvent, "tracestate"), isRemote: true, out var parent);
        var activity = Source.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.message.id", Text(cloudEvent, "id"));
        activity?.SetTag("cloudevents.event_type", type);
        return activity;
    }

    private static string? Text(JsonElement cloudEvent, string name) =>
        cloudEvent.ValueKind == JsonValueKind.Object && cloudEvent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
