namespace ShopDapr.DevSidecar.Resiliency;

/// <summary>A least-recently-used cache of at most <c>capacity</c> entries, as daprd keeps per-actor circuit breakers.</summary>
internal sealed class BoundedCache<T>(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, T Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, T Value)> _order = new();
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
                return _map.Count;
        }
    }

    public T GetOrAdd(string key, Func<T> create)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Value;
            }
            if (_map.Count >= capacity && _order.Last is { } oldest)
            {
                _map.Remove(oldest.Value.Key);
                _order.RemoveLast();
            }
            var value = create();
            _map[key] = _order.AddFirst((key, value));
            return value;
        }
    }
}
