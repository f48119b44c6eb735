using System.Text.Json;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// Where workflow instances live between restarts: the sidecar's actor state store (the component with
/// <c>actorStateStore: "true"</c>), as daprd keeps workflow state in actor state. One key per instance holding
/// its <see cref="WorkflowRuntimeState"/>, and one index key listing the instance ids. With no actor state
/// store the instances live only in memory.
/// </summary>
internal sealed class WorkflowStore : IDisposable
{
    private readonly IStateStore? _store;
    private readonly GroupCommit? _writes;
    private readonly string _prefix;

    public WorkflowStore(string appId, ComponentRegistry components)
    {
        _store = components.OfType<IStateStore>()
            .Select(c => c.Component)
            .FirstOrDefault(s => s is IStateStoreInfo { IsActorStateStore: true });
        _writes = _store is null ? null : new GroupCommit(_store);
        _prefix = $"{appId}{StateKeys.Separator}dapr.internal.workflow{StateKeys.Separator}";
    }

    public bool IsDurable => _store is not null;

    /// <summary>
    /// The ids of every instance, spread over this many keys by a stable hash of the id: one key holding every id was
    /// sorted, serialized and rewritten whole at every workflow start (~160 KB after 4,000 orders), a cost that grew with
    /// every instance ever started. A start now rewrites one bucket of about 1/64 of them.
    /// </summary>
    internal const int IndexBuckets = 64;

    private readonly SortedSet<string>[] _index = [.. Enumerable.Range(0, IndexBuckets).Select(_ => new SortedSet<string>(StringComparer.Ordinal))];

    /// <summary>Where the index was one key (before the buckets): read at start-up, then folded into the buckets.</summary>
    private string LegacyIndexKey => _prefix + "index";

    private string IndexKey(int bucket) => _prefix + "index" + StateKeys.Separator + bucket.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string InstanceKey(string instanceId) => _prefix + "instance" + StateKeys.Separator + instanceId;

    /// <summary>FNV-1a over the id's UTF-16 code units: the same bucket in every process (string hashes are randomized).</summary>
    internal static int BucketOf(string instanceId)
    {
        var hash = 2166136261u;
        foreach (var c in instanceId)
            hash = (hash ^ c) * 16777619u;
        return (int)(hash % IndexBuckets);
    }

    /// <summary>Every saved instance; fills the in-memory index. Called once, before any save.</summary>
    public async Task<List<WorkflowRuntimeState>> LoadAllAsync(CancellationToken cancellationToken)
    {
        var result = new List<WorkflowRuntimeState>();
        if (_store is null)
            return result;
        var legacy = await ReadIdsAsync(LegacyIndexKey, cancellationToken);
        var ids = new List<string>(legacy);
        for (var bucket = 0; bucket < IndexBuckets; bucket++)
            ids.AddRange(await ReadIdsAsync(IndexKey(bucket), cancellationToken));
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var entry = await _store.GetAsync(InstanceKey(id), cancellationToken);
            if (entry is null)
                continue;
            result.Add(WorkflowRuntimeState.Parser.ParseFrom(entry.Value));
            _index[BucketOf(id)].Add(id);
        }
        if (legacy.Count > 0)
        {
            // Fold the old single index into the buckets, in one transaction.
            var ops = Enumerable.Range(0, IndexBuckets).Select(IndexOp).ToList();
            ops.Add(new StateDelete(LegacyIndexKey));
            await _store.TransactAsync(ops, cancellationToken);
        }
        return result;
    }

    /// <summary>Saves the changed instances and the index buckets of the instances <paramref name="added"/>.</summary>
    public Task SaveAsync(IEnumerable<InstanceRecord> changed, IEnumerable<string> added)
    {
        if (_writes is null)
            return Task.CompletedTask;
        var ops = changed.Select(i => (StateOperation)new StateUpsert(InstanceKey(i.Id), i.State.ToByteArray())).ToList();
        var touched = added.Where(id => _index[BucketOf(id)].Add(id)).Select(BucketOf).ToHashSet(); // every id in first
        ops.AddRange(touched.Select(IndexOp));
        return ops.Count == 0 ? Task.CompletedTask : _writes.WriteAsync(ops);
    }

    public Task DeleteAsync(IEnumerable<string> purged)
    {
        if (_writes is null)
            return Task.CompletedTask;
        var ids = purged.ToList();
        var ops = ids.Select(id => (StateOperation)new StateDelete(InstanceKey(id))).ToList();
        var touched = ids.Where(id => _index[BucketOf(id)].Remove(id)).Select(BucketOf).ToHashSet(); // every id out first
        ops.AddRange(touched.Select(IndexOp));
        return _writes.WriteAsync(ops);
    }

    private StateOperation IndexOp(int bucket) =>
        _index[bucket].Count == 0
            ? new StateDelete(IndexKey(bucket))
            : new StateUpsert(IndexKey(bucket), JsonSerializer.SerializeToUtf8Bytes(_index[bucket].ToList()));

    public void Dispose() => _writes?.Dispose();

    private async Task<List<string>> ReadIdsAsync(string key, CancellationToken cancellationToken)
    {
        var entry = await _store!.GetAsync(key, cancellationToken);
        return entry is null ? [] : JsonSerializer.Deserialize<List<string>>(entry.Value) ?? [];
    }
}
