using System.Text.Json;
using Dapr.Actors.Runtime;

namespace ShopDapr.Inventory.Tests.Actors;

/// <summary>
/// An actor's state as the SDK's state manager keeps it: changes are cached until <see cref="SaveStateAsync"/> writes
/// them, as JSON, to <see cref="Saved"/> (the "store"). A new manager over the same store sees only what was saved, so a
/// test can drop an actor instance and activate a fresh one (deactivation), or check a refused change saved nothing.
/// </summary>
public sealed class InMemoryActorStateManager(Dictionary<string, string>? store = null) : IActorStateManager
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, object?> _cache = [];
    private readonly HashSet<string> _removed = [];

    public Dictionary<string, string> Saved { get; } = store ?? [];

    public int Saves { get; private set; }

    /// <summary>Makes <see cref="SaveStateAsync"/> fail (a state store outage).</summary>
    public Exception? FailSaves { get; set; }

    public Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        if (_removed.Contains(stateName))
            return Task.FromResult(new ConditionalValue<T>(false, default!));
        if (_cache.TryGetValue(stateName, out var cached))
            return Task.FromResult(new ConditionalValue<T>(true, (T)cached!));
        if (!Saved.TryGetValue(stateName, out var json))
            return Task.FromResult(new ConditionalValue<T>(false, default!));
        var value = JsonSerializer.Deserialize<T>(json, Json)!;
        _cache[stateName] = value;
        return Task.FromResult(new ConditionalValue<T>(true, value));
    }

    public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        _removed.Remove(stateName);
        _cache[stateName] = value;
        return Task.CompletedTask;
    }

    public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        SetStateAsync(stateName, value, cancellationToken);

    public Task SaveStateAsync(CancellationToken cancellationToken = default)
    {
        if (FailSaves is { } failure)
            return Task.FromException(failure);
        foreach (var name in _removed)
            Saved.Remove(name);
        foreach (var (name, value) in _cache)
            Saved[name] = JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), Json);
        _removed.Clear();
        Saves++;
        return Task.CompletedTask;
    }

    public Task ClearCacheAsync(CancellationToken cancellationToken = default)
    {
        _cache.Clear();
        _removed.Clear();
        return Task.CompletedTask;
    }

    public async Task<T> GetStateAsync<T>(string stateName, CancellationToken cancellationToken = default) =>
        await TryGetStateAsync<T>(stateName, cancellationToken) is { HasValue: true } found
            ? found.Value
            : throw new KeyNotFoundException($"Actor state '{stateName}' does not exist.");

    public async Task<bool> ContainsStateAsync(string stateName, CancellationToken cancellationToken = default) =>
        (await TryGetStateAsync<object>(stateName, cancellationToken)).HasValue;

    public async Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        var exists = await ContainsStateAsync(stateName, cancellationToken);
        _cache.Remove(stateName);
        _removed.Add(stateName);
        return exists;
    }

    public async Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await TryRemoveStateAsync(stateName, cancellationToken))
            throw new KeyNotFoundException($"Actor state '{stateName}' does not exist.");
    }

    public async Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (await ContainsStateAsync(stateName, cancellationToken))
            return false;
        await SetStateAsync(stateName, value, cancellationToken);
        return true;
    }

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        TryAddStateAsync(stateName, value, cancellationToken);

    public async Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (!await TryAddStateAsync(stateName, value, cancellationToken))
            throw new InvalidOperationException($"Actor state '{stateName}' already exists.");
    }

    public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddStateAsync(stateName, value, cancellationToken);

    public async Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (await TryGetStateAsync<T>(stateName, cancellationToken) is { HasValue: true } found)
            return found.Value;
        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        GetOrAddStateAsync(stateName, value, cancellationToken);

    public async Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default)
    {
        var value = await TryGetStateAsync<T>(stateName, cancellationToken) is { HasValue: true } found
            ? updateValueFactory(stateName, found.Value)
            : addValue;
        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddOrUpdateStateAsync(stateName, addValue, updateValueFactory, cancellationToken);

    public Task UnloadStateAsync(string stateName, UnloadStateOptions options, CancellationToken cancellationToken = default)
    {
        _cache.Remove(stateName);
        return Task.CompletedTask;
    }
}
