using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>What a publisher asks for; the <c>cloudevent.*</c> metadata overrides are applied on top.</summary>
public sealed record CloudEventRequest(string Source, string Topic, string Pubsub, string? DataContentType, ReadOnlyMemory<byte> Data, string TraceParent, string TraceState);

/// <summary>
/// The CloudEvent 1.0 envelopes daprd builds (dapr <c>pkg/runtime/pubsub/cloudevents.go</c>, components-contrib
/// <c>pubsub/envelope.go</c>): a new one around raw data, or an app's own CloudEvent with the missing fields filled.
/// </summary>
public static class CloudEvents
{
    public const string DefaultType = "com.dapr.event.sent";
    public const string DefaultBulkType = "com.dapr.event.sent.bulk";
    public const string DefaultSource = "Dapr";
    public const string SpecVersion = "1.0";

    /// <summary>Builds the envelope; throws <see cref="JsonException"/> when an application/cloudevents+json body is not a JSON object.</summary>
    public static JsonObject Create(CloudEventRequest request, IReadOnlyDictionary<string, string> metadata, DateTimeOffset now)
    {
        if (ContentTypes.IsCloudEvent(request.DataContentType))
            return FromCloudEvent(request, now);

        var id = Override(metadata, "id");
        var source = Override(metadata, "source") ?? request.Source;
        var type = Override(metadata, "type");
        var subject = Override(metadata, "subject");
        var traceId = Override(metadata, "traceid") ?? request.TraceParent;
        var traceState = Override(metadata, "tracestate") ?? request.TraceState;
        if (Override(metadata, "traceparent") is { } traceParent)
            traceId = traceParent;

        var contentType = string.IsNullOrEmpty(request.DataContentType) ? ContentTypes.TextPlain : request.DataContentType;
        var ce = new JsonObject
        {
            ["id"] = string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id,
            ["specversion"] = SpecVersion,
            ["datacontenttype"] = contentType,
            ["source"] = string.IsNullOrEmpty(source) ? DefaultSource : source,
            ["type"] = string.IsNullOrEmpty(type) ? DefaultType : type,
            ["topic"] = request.Topic,
            ["pubsubname"] = request.Pubsub,
            ["traceid"] = traceId,
            ["traceparent"] = traceId,
            ["tracestate"] = traceState,
            ["time"] = Rfc3339(now),
        };
        SetData(ce, contentType, request.Data.Span);
        if (!string.IsNullOrEmpty(subject))
            ce["subject"] = subject;
        return ce;
    }

    /// <summary>daprd sets <c>expiration</c> itself when the component has no TTL of its own (in-memory has none).</summary>
    public static void ApplyTtl(JsonObject cloudEvent, IReadOnlyDictionary<string, string> metadata, DateTimeOffset now)
    {
        if (TryGetTtl(metadata) is { } ttl)
            cloudEvent["expiration"] = Rfc3339(now.ToUniversalTime().Add(ttl));
    }

    public static bool HasExpired(JsonObject cloudEvent, DateTimeOffset now) =>
        cloudEvent["expiration"] is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiration)
        && expiration < now;

    /// <summary>The CloudEvent daprd makes on the subscriber side for a raw payload: random id, always <c>data_base64</c>.</summary>
    public static JsonObject FromRawPayload(ReadOnlySpan<byte> data, string topic, string pubsub) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["specversion"] = SpecVersion,
        ["datacontenttype"] = ContentTypes.OctetStream,
        ["source"] = DefaultSource,
        ["type"] = DefaultType,
        ["topic"] = topic,
        ["pubsubname"] = pubsub,
        ["data_base64"] = Convert.ToBase64String(data),
    };

    public static string? Text(JsonObject cloudEvent, string field) =>
        cloudEvent[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : cloudEvent[field]?.ToJsonString();

    /// <summary><c>ttl</c> or <c>ttlInSeconds</c> (case-insensitive): a Go duration or whole seconds. Invalid values are ignored, as daprd does.</summary>
    internal static TimeSpan? TryGetTtl(IReadOnlyDictionary<string, string> metadata)
    {
        var value = metadata.FirstOrDefault(m => m.Key.Equals("ttl", StringComparison.OrdinalIgnoreCase)
                                                 || m.Key.Equals("ttlInSeconds", StringComparison.OrdinalIgnoreCase)).Value;
        if (string.IsNullOrEmpty(value))
            return null;
        if (Components.GoDuration.TryParse(value, out var duration))
            return duration < TimeSpan.Zero ? TimeSpan.Zero : duration;
        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds - 1))
            : null;
    }

    private static JsonObject FromCloudEvent(CloudEventRequest request, DateTimeOffset now)
    {
        var ce = JsonNode.Parse(request.Data.Span) as JsonObject
                 ?? throw new JsonException("the body is not a JSON object");
        if (!ce.ContainsKey("time"))
            ce["time"] = Rfc3339(now);
        if (!ce.ContainsKey("traceid"))
        {
            ce["traceid"] = request.TraceParent;
            ce["traceparent"] = request.TraceParent;
        }
        if (!ce.ContainsKey("tracestate"))
            ce["tracestate"] = request.TraceState;
        ce["topic"] = request.Topic;
        ce["pubsubname"] = request.Pubsub;
        if (ce["source"] is null)
            ce["source"] = DefaultSource;
        if (ce["type"] is null)
            ce["type"] = DefaultType;
        if (ce["specversion"] is null)
            ce["specversion"] = SpecVersion;
        return ce;
    }

    /// <summary>The payload by its content type: parsed JSON as <c>data</c> (text when it does not parse), binary as <c>data_base64</c>, anything else as text.</summary>
    internal static void SetData(JsonObject cloudEvent, string contentType, ReadOnlySpan<byte> data)
    {
        if (ContentTypes.IsJson(contentType))
            cloudEvent["data"] = TryParse(data, out var node) ? node : Encoding.UTF8.GetString(data);
        else if (ContentTypes.IsBinary(contentType))
            cloudEvent["data_base64"] = Convert.ToBase64String(data);
        else
            cloudEvent["data"] = Encoding.UTF8.GetString(data);
    }

    private static string? Override(IReadOnlyDictionary<string, string> metadata, string field)
    {
        foreach (var (key, value) in metadata)
        {
            if (key.Length == "cloudevent.".Length + field.Length
                && key.StartsWith("cloudevent.", StringComparison.OrdinalIgnoreCase)
                && key.EndsWith(field, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        return null;
    }

    private static bool TryParse(ReadOnlySpan<byte> json, out JsonNode? node)
    {
        try
        {
            node = JsonNode.Parse(json);
            return true;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }

    internal static string Rfc3339(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
