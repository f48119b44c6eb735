using System.Collections.Concurrent;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Components;

/// <summary>The components one sidecar sees (its resources, filtered by scope), by name.</summary>
public sealed class ComponentRegistry
{
    private readonly Dictionary<string, (ComponentResource Resource, object Instance)> _byName = new(StringComparer.Ordinal);

    public IEnumerable<(ComponentResource Resource, object Instance)> All => _byName.Values;

    public void Add(ComponentResource resource, object instance) => _byName[resource.Name] = (resource, instance);

    public bool TryGet<T>(string name, out T component) where T : class
    {
        if (_byName.TryGetValue(name, out var entry) && entry.Instance is T t)
        {
            component = t;
            return true;
        }
        component = null!;
        return false;
    }

    public ComponentResource? Resource(string name) => _byName.GetValueOrDefault(name).Resource;

    public IEnumerable<(string Name, T Component)> OfType<T>() where T : class =>
        _byName.Values.Where(e => e.Instance is T).Select(e => (e.Resource.Name, (T)e.Instance));
}

/// <summary>
/// Components shared by every logical sidecar in the process: the same definition (file, name) is one instance,
/// so in-memory pub/sub reaches every app and in-memory state survives between calls of different apps.
/// </summary>
public sealed class ComponentPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<object>> _instances = new(StringComparer.Ordinal);

    /// <param name="sharedAs">What else tells two instances of one definition apart (a resolved file path), if anything.</param>
    public object GetOrCreate(ComponentResource resource, string? sharedAs, Func<object> create) =>
        _instances.GetOrAdd($"{Path.GetFullPath(resource.SourceFile)}|{resource.Name}|{sharedAs}", _ => new Lazy<object>(create)).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _instances.Values.Where(l => l.IsValueCreated))
        {
            switch (lazy.Value)
            {
                case IAsyncDisposable ad: await ad.DisposeAsync(); break;
                case IDisposable d: d.Dispose(); break;
            }
        }
        _instances.Clear();
    }
}
