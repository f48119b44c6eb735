using System.Globalization;
using System.Text.Json;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Actor state (dapr <c>pkg/actors/state</c>): <c>GET …/state/{key}</c> and the <c>PUT/POST …/state</c> transaction, in the
/// actor state store under <c>appid||type||id||key</c>. A transaction needs the actor active on this sidecar, as daprd.
/// </summary>
internal static class ActorStateApi
{
    public const string TtlHeader = "Metadata.ttlExpireTime";

    public static void MapActorStateApi(this IEndpointRouteBuilder actors)
    {
        actors.MapGet("/state/{key}", GetState);
        actors.MapMethods("/state", ["PUT", "POST"], Transact);
    }

    private static async Task<IResult> GetState(HttpContext http, string actorType, string actorId, string key, SidecarContext sidecar)
    {
        ActorErrors.RejectReserved(actorType);
        var store = ActorStateStore.Get(sidecar);
        StateEntry? entry;
        try
        {
            entry = await store.GetAsync(ActorStateStore.StateKey(sidecar.AppId, new ActorKey(actorType, actorId), key), http.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException and not DaprApiException)
        {
            throw ActorErrors.StateGet(e.Message);
        }
        if (entry is null || entry.Value.Length == 0)
            return Results.NoContent();
        if (entry.ExpiresAt is { } expires)
            http.Response.Headers[TtlHeader] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return Results.Bytes(entry.Value, "application/json");
    }

    private static async Task<IResult> Transact(HttpRequest request, string actorType, string actorId, SidecarContext sidecar, HostedActors hosted)
    {
        ActorErrors.RejectReserved(actorType);
        var ops = await ActorHttpApi.ReadAsync<List<JsonElement>>(request);
        var store = ActorStateStore.Get(sidecar);
        var actor = new ActorKey(actorType, actorId);
        if (!hosted.IsActive(actorType, actorId))
            throw ActorErrors.InstanceMissing();
        var operations = ops.Select(op => ToOperation(sidecar.AppId, actor, op)).ToList();
        try
        {
            await store.TransactAsync(operations, request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException and not DaprApiException)
        {
            throw ActorErrors.StateTransactionSave(e.Message);
        }
        return Results.NoContent();
    }

    /// <summary>One <c>{"operation":"upsert"|"delete","request":{key,value,etag,metadata}}</c>, checked as daprd checks it.</summary>
    private static StateOperation ToOperation(string appId, ActorKey actor, JsonElement op)
    {
        if (op.ValueKind != JsonValueKind.Object)
            throw ActorErrors.MalformedRequest("an operation must be a JSON object");
        var kind = op.TryGetProperty("operation", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        if (!op.TryGetProperty("request", out var req) || req.ValueKind != JsonValueKind.Object)
            throw ActorErrors.StateTransactionSave("request data is empty");
        if (string.IsNullOrEmpty(kind))
            throw ActorErrors.StateTransactionSave("operation is empty");
        var key = req.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        if (string.IsNullOrEmpty(key))
            throw ActorErrors.StateTransactionSave("missing key");
        var etag = req.TryGetProperty("etag", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var fullKey = ActorStateStore.StateKey(appId, actor, key);
        return kind switch
        {
            "upsert" => new StateUpsert(fullKey, Value(req), etag, Ttl: Ttl(req)),
            "delete" => new StateDelete(fullKey, etag),
            _ => throw ActorErrors.StateTransactionSave($"operation type {kind} not supported"),
        };
    }

    private static byte[] Value(JsonElement request) =>
        request.TryGetProperty("value", out var v) ? JsonSerializer.SerializeToUtf8Bytes(v) : "null"u8.ToArray();

    /// <summary><c>metadata.ttlInSeconds</c>: a whole number of seconds; -1 (or absent) keeps the value forever.</summary>
    private static TimeSpan? Ttl(JsonElement request)
    {
        if (!request.TryGetProperty("metadata", out var md) || md.ValueKind != JsonValueKind.Object || !md.TryGetProperty("ttlInSeconds", out var t))
            return null;
        var text = t.ValueKind == JsonValueKind.String ? t.GetString() : t.GetRawText();
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < -1)
            throw ActorErrors.StateTransactionSave($"incorrect value for metadata 'ttlInSeconds': {text}");
        return seconds <= 0 ? null : TimeSpan.FromSeconds(seconds);
    }
}
