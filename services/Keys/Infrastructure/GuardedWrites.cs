using System.Text.Json;
using System.Text.Json.Serialization;
using Dapr;
using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Keys.Infrastructure;

/// <summary>A write in a state transaction that holds only if the key still has <see cref="ETag"/> (null: the key must not exist yet).</summary>
public sealed record GuardedWrite(string Key, byte[] Value, string? ETag);

/// <summary>
/// The keys app's one way to write state: every write of a transaction is guarded by its ETag, so two replicas cannot
/// both build on the same read (one loses, reads again, decides again). daprd does not say which ETag failed a
/// transaction, so a failure is a lost race when one of the keys moved on, and the store's own failure otherwise.
/// </summary>
public sealed class KeysState(DaprClient dapr)
{
    public const string Store = ShopNames.Components.StateStore;

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    public async Task<(T? Value, string? ETag)> GetAsync<T>(string key, CancellationToken cancellationToken)
    {
        var (bytes, etag) = await dapr.GetStateAndETagAsync<JsonElement?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken);
        return bytes is { ValueKind: not JsonValueKind.Null } json ? (json.Deserialize<T>(Json), etag) : (default, null);
    }

    public async Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(100))
            foreach (var item in await dapr.GetBulkStateAsync(Store, chunk, parallelism: 4, cancellationToken: cancellationToken))
                if (!string.IsNullOrEmpty(item.Value) && JsonSerializer.Deserialize<T>(item.Value, Json) is { } value)
                    found[item.Key] = value;
        return found;
    }

    /// <summary>Commits every write or none; false when one of the keys moved on since it was read (decide again).</summary>
    public async Task<bool> TryCommitAsync(IReadOnlyList<GuardedWrite> writes, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.ExecuteStateTransactionAsync(Store, [.. writes.Select(w =>
                new StateTransactionRequest(w.Key, w.Value, StateOperationType.Upsert, w.ETag, options: FirstWrite))], cancellationToken: cancellationToken);
            return true;
        }
        catch (DaprException)
        {
            foreach (var write in writes)
            {
                var (_, etag) = await dapr.GetStateAndETagAsync<JsonElement?>(Store, write.Key, ConsistencyMode.Strong, cancellationToken: cancellationToken);
                if (NullIfEmpty(etag) != write.ETag)
                    return false;
            }
            throw;
        }
    }

    private static string? NullIfEmpty(string? etag) => string.IsNullOrEmpty(etag) ? null : etag;
}
