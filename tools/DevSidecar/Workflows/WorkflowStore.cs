using System.Text.Json;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// Where workflow instances live between restarts: the sidecar's actor state store (the component with
/// <c>actorStateStore: "true"</c>), as daprd keeps workflow state in actor state. One key per instance holding
/// its <see cref="WorkflowRuntimeState"/>, and index keys listing the instance ids. With no actor state store the
/// instances live only in this process, in a private in-memory store (so the engine treats both alike: a finished
/// instance is read from the store on demand, never kept by the engine).
/// </summary>
internal sealed class WorkflowStore : IDisposable
{
    private readonly IStateStore _store;
    private readonly GroupCommit _writes;
    private readonly string _prefix;

    public WorkflowStore(string appId, ComponentRegistry components)
    {
        var actorStore = components.OfType<IStateStore>()
            .Select(c => c.Component)
            .FirstOrDefault(s => s is IStateStoreInfo { IsActorStateStore: true });
        IsDurable = actorStore is not null;
        _store = actorStore ?? new ProcessMemoryStore();
        _writes = new GroupCommit(_store);
        _prefix = $"{appId}{StateKeys.Separator}dapr.internal.workflow{StateKeys.Separator}";
    }

    public bool IsDurable { get; }

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

    /// <summary>Every saved instance, one at a time; fills the in-memory index. Called once, before any save.</summary>
    public async IAsyncEnumerable<WorkflowRuntimeState> LoadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var legacy = await ReadIdsAsync(LegacyIndexKey, cancellationToken);
        var ids = new List<string>(legacy);
        for (var bucket = 0; bucket < IndexBuckets; bucket++)
            ids.AddRange(await ReadIdsAsync(IndexKey(bucket), cancellationToken));
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var entry = await _store.GetAsync(InstanceKey(id), cancellationToken);
            if (entry is null)
                continue;
            _index[BucketOf(id)].Add(id);
            yield return WorkflowRuntimeState.Parser.ParseFrom(entry.Value);
        }
        if (legacy.Count > 0)
        {
            // Fold the old single index into the buckets, in one transaction.
            var ops = Enumerable.Range(0, IndexBuckets).Select(IndexOp).ToList();
            ops.Add(new StateDelete(LegacyIndexKey));
            await _store.TransactAsync(ops, cancellationToken);
        }
    }

    /// <summary>One saved instance, or null (never saved, or purged). Sees every save whose task has completed.</summary>
    public async Task<WorkflowRuntimeState?> GetAsync(string instanceId, CancellationToken cancellationToken) =>
        await _store.GetAsync(InstanceKey(instanceId), cancellationToken) is { } entry ? WorkflowRuntimeState.Parser.ParseFrom(entry.Value) : null;

    /// <summary>The ids of every saved instance (the index: ids only, never an instance), in ordinal order.</summary>
    public List<string> Ids()
    {
        lock (_index)
            return [.. _index.SelectMany(bucket => bucket).Order(StringComparer.Ordinal)];
    }

    /// <summary>Saves the changed instances and the index buckets of the instances <paramref name="added"/>.</summary>
    public Task SaveAsync(IEnumerable<InstanceRecord> changed, IEnumerable<string> added)
    {
        var ops = changed.Select(i => (StateOperation)new StateUpsert(InstanceKey(i.Id), i.State.ToByteArray())).ToList();
        lock (_index)
        {
            var touched = added.Where(id => _index[BucketOf(id)].Add(id)).Select(BucketOf).ToHashSet(); // every id in first
            ops.AddRange(touched.Select(IndexOp));
        }
        return ops.Count == 0 ? Task.CompletedTask : _writes.WriteAsync(ops);
    }

    public Task DeleteAsync(IEnumerable<string> purged)
    {
        var ids = purged.ToList();
        var ops = ids.Select(id => (StateOperation)new StateDelete(InstanceKey(id))).ToList();
        lock (_index)
        {
            var touched = ids.Where(id => _index[BucketOf(id)].Remove(id)).Select(BucketOf).ToHashSet(); // every id out first
            ops.AddRange(touched.Select(IndexOp));
        }
        return ops.Count == 0 ? Task.CompletedTask : _writes.WriteAsync(ops);
    }

    private StateOperation IndexOp(int bucket) =>
        _index[bucket].Count == 0
            ? new StateDelete(IndexKey(bucket))
            : new StateUpsert(IndexKey(bucket), JsonSerializer.SerializeToUtf8Bytes(_index[bucket].ToList()));

    public void Dispose() => _writes.Dispose();

    private async Task<List<string>> ReadIdsAsync(string key, CancellationToken cancellationToken)
    {
        var entry = await _store.GetAsync(key, cancellationToken);
        return entry is null ? [] : JsonSerializer.Deserialize<List<string>>(entry.Value) ?? [];
    }

    /// <summary>Where instances live when no component is the actor state store: this process's memory, as bytes.</summary>
    private sealed class ProcessMemoryStore : IStateStore
    {
        private readonly Dictionary<string, StateEntry> _entries = new(StringComparer.Ordinal);

        public Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken)
        {
            lock (_entries)
                return Task.FromResult(_entries.GetValueOrDefault(key));
        }

        public Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
        {
            lock (_entries)
            {
                foreach (var op in operations)
                {
                    if (op is StateUpsert upsert)
                        _entries[op.Key] = new StateEntry(op.Key, upsert.Value, "");
                    else
                        _entries.Remove(op.Key);
                }
            }
            return Task.CompletedTask;
        }
    }
}
