using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.State;

/// <summary><c>state.in-memory</c>: a dictionary behind one lock, with ETags and TTL like the SQLite store.</summary>
public sealed class InMemoryStateStore(ComponentContext context, TimeProvider time) : IStateStore, IStateStoreInfo
{
    private readonly Dictionary<string, StateEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public string KeyPrefix { get; } = context.Optional("keyPrefix") ?? "appid";

    public bool IsActorStateStore { get; } = context.Bool("actorStateStore", false);

    public Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(Live(key));
    }

    public Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var op in operations)
                Check(op, Live(op.Key));
            var now = time.GetUtcNow();
            foreach (var op in operations)
            {
                if (op is StateUpsert u)
                    _entries[u.Key] = new StateEntry(u.Key, u.Value, Guid.NewGuid().ToString(), u.Ttl is { } ttl ? now + ttl : null);
                else
                    _entries.Remove(op.Key);
            }
        }
        return Task.CompletedTask;
    }

    private StateEntry? Live(string key)
    {
        if (!_entries.TryGetValue(key, out var e))
            return null;
        if (e.ExpiresAt is { } at && at <= time.GetUtcNow())
        {
            _entries.Remove(key);
            return null;
        }
        return e;
    }

    /// <summary>ETag rules shared with daprd's stores: a given ETag must match; first-write needs none to exist.</summary>
    internal static void Check(StateOperation op, StateEntry? current)
    {
        if (!string.IsNullOrEmpty(op.ETag))
        {
            if (current is null || !string.Equals(current.ETag, op.ETag, StringComparison.Ordinal))
                throw new ETagMismatchException(op.Key);
        }
        else if (op.Concurrency == Concurrency.FirstWrite && op is StateUpsert && current is not null)
        {
            throw new ETagMismatchException(op.Key);
        }
    }
}
