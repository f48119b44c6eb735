using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ShopDapr.Keys.Domain;

namespace ShopDapr.Keys.Infrastructure;

/// <summary>A version at rest: its material wrapped under the master key (null once destroyed).</summary>
public sealed record StoredVersion(int Version, DateTimeOffset CreatedAt, string? WrappedMaterial, DateTimeOffset? ActivatedAt = null)
{
    public KeyVersion ToVersion(byte[]? material) => new(Version, CreatedAt, material, ActivatedAt);
}

/// <summary>
/// A key at rest: metadata in the clear, material only wrapped. <see cref="Next"/> is absent from keys stored before
/// next versions were announced; such a key reads as a key without one, and gets one from the maintenance sweep.
/// </summary>
public sealed record StoredKey(
    string Name, KeyType Type, KeyState State, DateTimeOffset CreatedAt, int MinDecryptionVersion, TimeSpan? RotationPeriod,
    DateTimeOffset? DeletionDate, IReadOnlyList<StoredVersion> Versions, StoredVersion? Next = null)
{
    public IEnumerable<StoredVersion> AllVersions => Next is null ? Versions : Versions.Append(Next);
}

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
            versions.Add(await UnwrapAsync(v, cancellationToken));
        var key = new ManagedKey(stored.Name, stored.Type, stored.State, stored.CreatedAt, stored.MinDecryptionVersion, stored.RotationPeriod,
            stored.DeletionDate, versions, stored.Next is null ? null : await UnwrapAsync(stored.Next, cancellationToken));
        return new LoadedKey(key, stored, etag);
    }

    private async Task<KeyVersion> UnwrapAsync(StoredVersion v, CancellationToken cancellationToken) =>
        v.ToVersion(v.WrappedMaterial is null ? null : await UnwrapAsync(v.WrappedMaterial, cancellationToken));

    /// <summary>
    /// A key's metadata only, its material left wrapped (no round trip to the master key): each version not destroyed
    /// holds an empty <see cref="KeyVersion.Material"/>, so this key serves listing and never an operation.
    /// </summary>
    public async Task<ManagedKey?> GetMetadataAsync(string name, CancellationToken cancellationToken)
    {
        var (stored, _) = await state.GetAsync<StoredKey>(StateKey(name), cancellationToken);
        return stored is null ? null : new ManagedKey(stored.Name, stored.Type, stored.State, stored.CreatedAt, stored.MinDecryptionVersion,
            stored.RotationPeriod, stored.DeletionDate, [.. stored.Versions.Select(Metadata)], stored.Next is null ? null : Metadata(stored.Next));

        static KeyVersion Metadata(StoredVersion v) => v.ToVersion(v.WrappedMaterial is null ? null : []);
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
            versions.Add(await StoreAsync(v));
        var stored = new StoredKey(next.Name, next.Type, next.State, next.CreatedAt, next.MinDecryptionVersion, next.RotationPeriod, next.DeletionDate,
            versions, next.Next is null ? null : await StoreAsync(next.Next));
        var writes = new List<GuardedWrite> { new(StateKey(next.Name), KeysState.Serialize(stored), current?.ETag) };
        foreach (var gone in current?.Stored.AllVersions ?? [])
            if (gone.WrappedMaterial is { } w && stored.AllVersions.All(v => v.WrappedMaterial != w))
                _materials.TryRemove(w, out _);
        if (current is null && !ManagedKey.IsInternal(next.Name))
        {
            var (index, etag) = await GetIndexAsync(cancellationToken);
            writes.Add(new GuardedWrite(IndexKey, KeysState.Serialize(new KeyIndex([.. index.Names, next.Name])), etag));
        }
        return writes;

        // A version already stored (a promoted next among them) keeps its wrapped form: only new material is wrapped.
        async Task<StoredVersion> StoreAsync(KeyVersion v) => new(v.Version, v.CreatedAt, v.Material is null ? null
            : current?.Stored.AllVersions.FirstOrDefault(s => s.Version == v.Version)?.WrappedMaterial ?? await WrapAsync(v.Material, cancellationToken),
            v.ActivatedAt);
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
