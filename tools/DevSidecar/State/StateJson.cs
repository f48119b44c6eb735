using System.Text;
using System.Text.Json;

namespace ShopDapr.DevSidecar.State;

/// <summary>Reads the JSON bodies of the state HTTP API; anything of the wrong shape is a 400 ERR_MALFORMED_REQUEST.</summary>
internal static class StateJson
{
    public static async Task<JsonDocument> ParseAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw DaprApiException.MalformedBody(e.Message);
        }
    }

    /// <summary>One <c>{key, value, etag, options: {concurrency}, metadata}</c> item, with the request's query metadata merged in.</summary>
    public static StateWrite Item(JsonElement item, IReadOnlyDictionary<string, string> queryMetadata)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw DaprApiException.MalformedBody($"expected a state object, got {item.ValueKind}");
        var key = String(item, "key") ?? "";
        byte[]? value = item.TryGetProperty("value", out var v) ? Encoding.UTF8.GetBytes(v.GetRawText()) : null;
        var etag = String(item, "etag");
        string? concurrency = null;
        if (item.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object)
            concurrency = String(options, "concurrency");
        var metadata = Map(item, "metadata");
        foreach (var (k, val) in queryMetadata)
            metadata[k] = val;
        return new StateWrite(key, value, etag, concurrency, metadata);
    }

    public static string? String(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
            return null;
        return p.ValueKind == JsonValueKind.String ? p.GetString() : throw DaprApiException.MalformedBody($"'{name}' must be a string");
    }

    public static Dictionary<string, string> Map(JsonElement obj, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!obj.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
            return map;
        if (p.ValueKind != JsonValueKind.Object)
            throw DaprApiException.MalformedBody($"'{name}' must be an object of strings");
        foreach (var prop in p.EnumerateObject())
        {
            map[prop.Name] = prop.Value.ValueKind == JsonValueKind.String
                ? prop.Value.GetString()!
                : throw DaprApiException.MalformedBody($"'{name}.{prop.Name}' must be a string");
        }
        return map;
    }

    /// <summary>daprd reads <c>metadata.X=value</c> query parameters as request metadata.</summary>
    public static Dictionary<string, string> QueryMetadata(HttpRequest request)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in request.Query)
        {
            if (k.StartsWith("metadata.", StringComparison.Ordinal))
                map[k["metadata.".Length..]] = v.ToString();
        }
        return map;
    }

    /// <summary>Writes stored bytes as a JSON value: raw when they are JSON, else as a string.</summary>
    public static void WriteData(Utf8JsonWriter writer, byte[] data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            doc.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(Encoding.UTF8.GetString(data));
        }
    }
}
