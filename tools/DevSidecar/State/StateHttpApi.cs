using System.Text.Json;
using ShopDapr.DevSidecar.State.Outbox;

namespace ShopDapr.DevSidecar.State;

/// <summary>The state HTTP API under <c>/v1.0/state</c>, with daprd's status codes and error bodies.</summary>
internal static class StateHttpApi
{
    public static void MapStateApi(this IEndpointRouteBuilder v1)
    {
        var state = v1.MapGroup("/state/{storeName}").WithDaprErrors();
        state.MapGet("/{key}", GetState);
        state.MapPost("/", SaveState);
        state.MapDelete("/{key}", DeleteState);
        state.MapPost("/bulk", GetBulkState);
        state.MapPost("/transaction", Transact);
    }

    private static async Task<IResult> GetState(string storeName, string key, HttpContext http, StateService state, CancellationToken cancellationToken)
    {
        var entry = await state.GetAsync(state.Find(storeName), key, cancellationToken);
        if (entry is null)
            return Results.NoContent();
        http.Response.Headers.ETag = entry.ETag;
        foreach (var (k, v) in StateRules.ResponseMetadata(entry))
            http.Response.Headers[$"metadata.{k}"] = v;
        return Results.Bytes(entry.Value, "application/json");
    }

    private static async Task<IResult> SaveState(string storeName, HttpRequest request, StateService state, CancellationToken cancellationToken)
    {
        var target = state.Find(storeName);
        using var body = await StateJson.ParseAsync(request, cancellationToken);
        if (body.RootElement.ValueKind != JsonValueKind.Array)
            throw DaprApiException.MalformedBody("expected an array of state objects");
        var query = StateJson.QueryMetadata(request);
        var ops = new List<StateOperation>();
        foreach (var item in body.RootElement.EnumerateArray())
        {
            var write = StateJson.Item(item, query);
            if (string.IsNullOrEmpty(write.Key))
                throw new DaprApiException(global::Grpc.Core.StatusCode.InvalidArgument, 400, "ERR_MALFORMED_REQUEST", "\"key\" is a required field");
            ops.Add(StateService.Upsert(target, write));
        }
        if (ops.Count > 0)
            await state.SaveAsync(target, ops, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteState(string storeName, string key, HttpRequest request, StateService state, CancellationToken cancellationToken)
    {
        var target = state.Find(storeName);
        string? etag = request.Headers.TryGetValue("If-Match", out var m) ? m.ToString() : null;
        var write = new StateWrite(key, null, etag, request.Query["concurrency"].ToString(), StateJson.QueryMetadata(request));
        await state.DeleteAsync(target, key, StateService.Delete(target, write), cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> GetBulkState(string storeName, HttpRequest request, StateService state, CancellationToken cancellationToken)
    {
        var target = state.Find(storeName);
        using var body = await StateJson.ParseAsync(request, cancellationToken);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw DaprApiException.MalformedBody("expected {\"keys\": [...]}");
        var keys = new List<string>();
        if (root.TryGetProperty("keys", out var k) && k.ValueKind == JsonValueKind.Array)
            keys.AddRange(k.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw DaprApiException.MalformedBody("keys must be strings")));
        else if (root.TryGetProperty("keys", out k) && k.ValueKind != JsonValueKind.Null)
            throw DaprApiException.MalformedBody("'keys' must be an array of strings");
        var parallelism = root.TryGetProperty("parallelism", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : 0;
        var results = await state.GetBulkAsync(target, keys, parallelism, cancellationToken);
        return Results.Stream(async stream =>
        {
            await using var writer = new Utf8JsonWriter(stream);
            writer.WriteStartArray();
            foreach (var (key, entry, error) in results)
            {
                writer.WriteStartObject();
                writer.WriteString("key", key);
                if (error is not null)
                    writer.WriteString("error", error);
                if (entry is not null)
                {
                    writer.WritePropertyName("data");
                    StateJson.WriteData(writer, entry.Value);
                    writer.WriteString("etag", entry.ETag);
                    var meta = StateRules.ResponseMetadata(entry);
                    if (meta.Count > 0)
                    {
                        writer.WriteStartObject("metadata");
                        foreach (var (mk, mv) in meta)
                            writer.WriteString(mk, mv);
                        writer.WriteEndObject();
                    }
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }, "application/json");
    }

    private static async Task<IResult> Transact(string storeName, HttpRequest request, StateService state, CancellationToken cancellationToken)
    {
        var target = state.Find(storeName);
        using var body = await StateJson.ParseAsync(request, cancellationToken);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw DaprApiException.MalformedBody("expected {\"operations\": [...]}");
        var metadata = StateJson.Map(root, "metadata");
        foreach (var (mk, mv) in StateJson.QueryMetadata(request))
            metadata[mk] = mv;
        var ops = new List<TransactionItem>();
        if (root.TryGetProperty("operations", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var o in list.EnumerateArray())
            {
                if (o.ValueKind != JsonValueKind.Object)
                    throw DaprApiException.MalformedBody("each operation must be an object");
                var operation = StateJson.String(o, "operation");
                var item = o.TryGetProperty("request", out var r) ? r : default;
                var write = StateJson.Item(item, metadata);
                ops.Add(new TransactionItem(operation switch
                {
                    "upsert" => StateService.Upsert(target, write),
                    "delete" => StateService.Delete(target, write),
                    _ => throw new DaprApiException(global::Grpc.Core.StatusCode.Unimplemented, 400, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {operation} not supported"),
                }, write.Metadata, OutboxPayload(item)));
            }
        }
        else if (root.TryGetProperty("operations", out list) && list.ValueKind != JsonValueKind.Null)
        {
            throw DaprApiException.MalformedBody("'operations' must be an array");
        }
        if (ops.Count > 0)
            await state.TransactAsync(target, ops, Header(request, "traceparent"), Header(request, "tracestate"), cancellationToken);
        return Results.NoContent();
    }

    /// <summary>What daprd's outbox publishes for an HTTP value: a JSON string as its text ("2" for "2"), anything else as JSON.</summary>
    private static byte[]? OutboxPayload(JsonElement request) =>
        request.ValueKind == JsonValueKind.Object && request.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String
            ? System.Text.Encoding.UTF8.GetBytes(v.GetString()!)
            : null;

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
}
