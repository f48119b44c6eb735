using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.State;

/// <summary><c>state.in-memory</c>: a dictionary behind one lock, with the ETag and TTL rules of <see cref="StateRules"/>.</summary>
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
            // Checked against the state as the earlier operations of the same transaction leave it.
            var staged = new Dictionary<string, StateEntry?>(StringComparer.Ordinal);
            var now = time.GetUtcNow();
            foreach (var op in operations)
            {
                var current = staged.TryGetValue(op.Key, out var s) ? s : Live(op.Key);
                StateRules.Check(op, current);
                staged[op.Key] = op is StateUpsert u
                    ? new StateEntry(u.Key, u.Value, StateRules.NewETag(), StateRules.ExpiresAt(u, now))
                    : null;
            }
            foreach (var (key, entry) in staged)
            {
                if (entry is null)
                    _entries.Remove(key);
                else
                    _entries[key] = entry;
            }
        }
        return Task.CompletedTask;
    }

    private StateEntry? Live(string key)
    {
        if (!_entries.TryGetValue(key, out var e))
            return null;
        if (StateRules.IsExpired(e.ExpiresAt, time.GetUtcNow()))
        {
            _entries.Remove(key);
            return null;
        }
        return e;
    }
}
