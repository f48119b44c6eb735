using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ShopDapr.Keys.Domain;

namespace ShopDapr.Keys.Infrastructure;

/// <summary>A version at rest: its material wrapped under the master key (null once destroyed).</summary>
public sealed record StoredVersion(int Version, DateTimeOffset CreatedAt, string? WrappedMaterial);

/// <summary>A key at rest: metadata in the clear, material only wrapped.</summary>
public sealed record StoredKey(
    string Name, KeyType Type, KeyState State, DateTimeOffset CreatedAt, int MinDecryptionVersion, TimeSpan? RotationPeriod,
    DateTimeOffset? DeletionDate, IReadOnlyList<StoredVersion> Versions);

/// <summary>Every key's name, for listing and for the maintenance sweep (names are never removed: a destroyed key keeps its metadata).</summary>
public sealed record KeyIndex(IReadOnlyList<string> Names);

/// <summary>A key as read: the domain key (material unwrapped), what was stored, and the ETag it was read with.</summary>
public sealed record LoadedKey(ManagedKey Key, StoredKey Stored, string ETag);

/// <summary>
/// Keys in the state store (<c>key-{name}</c>, and <c>keys-index</c>), their material wrapped and unwrapped through the
/// master key. Unwrapped material is cached in memory by its wrapped form (a version's material never changes), within
/// a bound; a version's wrapped form is reused when the key is saved again, so only new material is wrapped.
/// </summary>
public sealed class KeyStore(KeysState state, IMasterKey masterKey, IOptions<KeysOptions> options)
{
    public const string IndexKey = "keys-index";

    private readonly ConcurrentDictionary<string, byte[]> _materials = new(StringComparer.Ordinal);

    public static string StateKey(string name) => $"key-{name}";

    public async Task<LoadedKey?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var (stored, etag) = await state.GetAsync<StoredKey>(StateKey(name), cancellationToken);
        if (stored is null || etag is null)
            return null;
        var versions = new List<KeyVersion>(stored.Versions.Count);
        foreach (var v in stored.Versions)
            versions.Add(new KeyVersion(v.Version, v.CreatedAt, v.WrappedMaterial is null ? null : await UnwrapAsync(v.WrappedMaterial, cancellationToken)));
        var key = new ManagedKey(stored.Name, stored.Type, stored.State, stored.CreatedAt, stored.MinDecryptionVersion, stored.RotationPeriod,
            stored.DeletionDate, versions);
        return new LoadedKey(key, stored, etag);
    }

    /// <summary>
    /// A key's metadata only, its material left wrapped (no round trip to the master key): each version not destroyed
    /// holds an empty <see cref="KeyVersion.Material"/>, so this key serves listing and never an operation.
    /// </summary>
    public async Task<ManagedKey?> GetMetadataAsync(string name, CancellationToken cancellationToken)
    {
        var (stored, _) = await state.GetAsync<StoredKey>(StateKey(name), cancellationToken);
        return stored is null ? null : new ManagedKey(stored.Name, stored.Type, stored.State, stored.CreatedAt, stored.MinDecryptionVersion,
            stored.RotationPeriod, stored.DeletionDate, [.. stored.Versions.Select(v => new KeyVersion(v.Version, v.CreatedAt, v.WrappedMaterial is null ? null : []))]);
    }

    public async Task<(KeyIndex Index, string? ETag)> GetIndexAsync(CancellationToken cancellationToken)
    {
        var (index, etag) = await state.GetAsync<KeyIndex>(IndexKey, cancellationToken);
        return (index ?? new KeyIndex([]), etag);
    }

    /// <summary>The writes that store <paramref name="next"/> over <paramref name="current"/> (none: a new key, and its name added to the index).</summary>
    public async Task<IReadOnlyList<GuardedWrite>> WritesAsync(ManagedKey next, LoadedKey? current, CancellationToken cancellationToken)
    {
        var versions = new List<StoredVersion>(next.Versions.Count);
        foreach (var v in next.Versions)
        {
            var wrapped = v.Material is null ? null
                : current?.Stored.Versions.FirstOrDefault(s => s.Version == v.Version)?.WrappedMaterial
                  ?? await WrapAsync(v.Material, cancellationToken);
            versions.Add(new StoredVersion(v.Version, v.CreatedAt, wrapped));
        }
        var stored = new StoredKey(next.Name, next.Type, next.State, next.CreatedAt, next.MinDecryptionVersion, next.RotationPeriod, next.DeletionDate, versions);
        var writes = new List<GuardedWrite> { new(StateKey(next.Name), KeysState.Serialize(stored), current?.ETag) };
        foreach (var gone in current?.Stored.Versions ?? [])
            if (gone.WrappedMaterial is { } w && versions.All(v => v.WrappedMaterial != w))
                _materials.TryRemove(w, out _);
        if (current is null && !ManagedKey.IsInternal(next.Name))
        {
            var (index, etag) = await GetIndexAsync(cancellationToken);
            writes.Add(new GuardedWrite(IndexKey, KeysState.Serialize(new KeyIndex([.. index.Names, next.Name])), etag));
        }
        return writes;
    }

    private async Task<string> WrapAsync(byte[] material, CancellationToken cancellationToken)
    {
        var wrapped = Convert.ToBase64String(await masterKey.WrapAsync(material, cancellationToken));
        Remember(wrapped, material);
        return wrapped;
    }

    private async Task<byte[]> UnwrapAsync(string wrapped, CancellationToken cancellationToken)
    {
        if (_materials.TryGetValue(wrapped, out var material))
            return material;
        material = await masterKey.UnwrapAsync(Convert.FromBase64String(wrapped), cancellationToken);
        Remember(wrapped, material);
        return material;
    }

    private void Remember(string wrapped, byte[] material)
    {
        if (_materials.Count >= options.Value.MaterialCacheSize)
            _materials.Clear();
        _materials[wrapped] = material;
    }
}
