using System.Text.Json;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// <c>POST|PUT /v1.0/publish/{pubsub}/{topic}</c> and the bulk routes (<c>/v1.0-alpha1/publish/bulk/…</c>, and
/// <c>/v1.0/publish/bulk/…</c> as daprd 1.16+ has it). Metadata comes from <c>metadata.*</c> query parameters.
/// </summary>
internal static class PubSubHttpApi
{
    private const string MetadataPrefix = "metadata.";

    public static void MapPubSubApi(this IEndpointRouteBuilder app)
    {
        string[] methods = ["POST", "PUT"];
        app.MapMethods("/v1.0/publish/{pubsubname}/{**topic}", methods, Publish);
        app.MapMethods("/v1.0-alpha1/publish/bulk/{pubsubname}/{**topic}", methods, BulkPublish);
        app.MapMethods("/v1.0/publish/bulk/{pubsubname}/{**topic}", methods, BulkPublish);
    }

    private static async Task<IResult> Publish(string pubsubname, string? topic, HttpRequest request, Publisher publisher, CancellationToken cancellationToken)
    {
        var metadata = Metadata(request);
        try
        {
            publisher.Validate(pubsubname, topic ?? "", metadata);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, cancellationToken);
            var entry = new PublishEntry("", body.ToArray(), request.ContentType, metadata);
            await publisher.PublishAsync(pubsubname, topic!, entry, Header(request, "traceparent"), Header(request, "tracestate"), false, cancellationToken);
            return Results.NoContent();
        }
        catch (PubSubError e)
        {
            return e.ToHttp();
        }
    }

    private static async Task<IResult> BulkPublish(string pubsubname, string? topic, HttpRequest request, Publisher publisher, CancellationToken cancellationToken)
    {
        var metadata = Metadata(request);
        try
        {
            publisher.Validate(pubsubname, topic ?? "", metadata);
            var entries = await ReadEntriesAsync(request, pubsubname, topic!, cancellationToken);
            var failed = await publisher.BulkPublishAsync(
                pubsubname, topic!, entries, metadata, Header(request, "traceparent"), Header(request, "tracestate"), cancellationToken);
            if (failed.Count == 0)
                return Results.NoContent();
            var error = PubSubError.PublishMessage(pubsubname, topic!, new InvalidOperationException($"{failed.Count} of {entries.Count} entries failed"));
            return Results.Json(
                new BulkPublishFailure(failed.Select(f => new FailedEntry(f.EntryId, f.Error)).ToList(), error.ErrorCode),
                PubSubJson.Options, statusCode: error.HttpStatus);
        }
        catch (PubSubError e)
        {
            return e.ToHttp();
        }
    }

    private static async Task<List<PublishEntry>> ReadEntriesAsync(HttpRequest request, string pubsub, string topic, CancellationToken cancellationToken)
    {
        List<BulkEntryJson>? incoming;
        try
        {
            incoming = await JsonSerializer.DeserializeAsync<List<BulkEntryJson>>(request.Body, PubSubJson.Options, cancellationToken);
        }
        catch (JsonException e)
        {
            throw PubSubError.UnmarshalEvents(pubsub, topic, e.Message);
        }
        var entries = new List<PublishEntry>();
        foreach (var e in incoming ?? [])
        {
            var data = EventBytes(e.Event, e.ContentType)
                       ?? throw PubSubError.MarshalEnvelope(pubsub, topic, "error: mismatch between contentType and event");
            entries.Add(new PublishEntry(e.EntryId ?? "", data, e.ContentType, e.Metadata ?? []));
        }
        return entries;
    }

    /// <summary>daprd's ConvertEventToBytes: base64 for octet-stream, a string for text, JSON text for JSON and CloudEvents.</summary>
    private static byte[]? EventBytes(JsonElement ev, string? contentType)
    {
        if (ContentTypes.IsBinary(contentType))
        {
            if (ev.ValueKind != JsonValueKind.String)
                return null;
            return ev.TryGetBytesFromBase64(out var bytes) ? bytes : null;
        }
        if (ContentTypes.IsString(contentType))
            return ev.ValueKind == JsonValueKind.String ? System.Text.Encoding.UTF8.GetBytes(ev.GetString()!) : null;
        if (ContentTypes.IsJson(contentType) || ContentTypes.IsCloudEvent(contentType))
            return JsonSerializer.SerializeToUtf8Bytes(ev);
        return null;
    }

    private static Dictionary<string, string> Metadata(HttpRequest request)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query)
        {
            if (key.StartsWith(MetadataPrefix, StringComparison.Ordinal))
                metadata[key[MetadataPrefix.Length..]] = values.FirstOrDefault() ?? "";
        }
        return metadata;
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v.ToString() : null;

    private sealed record BulkEntryJson(string? EntryId, JsonElement Event, string? ContentType, Dictionary<string, string>? Metadata);

    private sealed record BulkPublishFailure(IReadOnlyList<FailedEntry> FailedEntries, string ErrorCode);

    private sealed record FailedEntry(string EntryId, string Error);
}
