namespace ShopDapr.DevSidecar.State;

public enum Concurrency { LastWrite, FirstWrite }

/// <summary>One stored value. <see cref="ETag"/> changes on every write.</summary>
public sealed record StateEntry(string Key, byte[] Value, string ETag, DateTimeOffset? ExpiresAt = null);

/// <summary>An upsert or a delete, as in a Dapr state transaction. Keys are already prefixed (appid||key).</summary>
public abstract record StateOperation(string Key, string? ETag, Concurrency Concurrency);

/// <summary><paramref name="Ttl"/> from the <c>ttlInSeconds</c> request metadata: null keeps no expiry.</summary>
public sealed record StateUpsert(string Key, byte[] Value, string? ETag = null, Concurrency Concurrency = Concurrency.LastWrite, TimeSpan? Ttl = null)
    : StateOperation(Key, ETag, Concurrency);

public sealed record StateDelete(string Key, string? ETag = null, Concurrency Concurrency = Concurrency.LastWrite)
    : StateOperation(Key, ETag, Concurrency);

/// <summary>A write whose ETag did not match (or first-write on an existing key). daprd answers gRPC Aborted / HTTP 409.</summary>
public sealed class ETagMismatchException(string key)
    : Exception($"possible etag mismatch. error from state store: etag mismatch for key {key}")
{
    public string Key { get; } = key;
}

/// <summary>An ETag that is not even of the store's format. daprd answers gRPC InvalidArgument / HTTP 400.</summary>
public sealed class ETagInvalidException(string key) : Exception($"invalid etag value for key {key}")
{
    public string Key { get; } = key;
}

/// <summary>
/// A Dapr state store. Every write is atomic; <see cref="TransactAsync"/> applies all operations or none.
/// Expired entries are never returned.
/// </summary>
public interface IStateStore
{
    Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken);

    Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken);
}

/// <summary>State store metadata every implementation shares (<c>keyPrefix</c>, <c>actorStateStore</c>).</summary>
public interface IStateStoreInfo
{
    /// <summary><c>appid</c> (default), <c>name</c>, <c>none</c>, or any other literal prefix.</summary>
    string KeyPrefix { get; }

    bool IsActorStateStore { get; }
}
