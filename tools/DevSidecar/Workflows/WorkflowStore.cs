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

    private string IndexKey => _prefix + "index";

    private string InstanceKey(string instanceId) => _prefix + "instance" + StateKeys.Separator + instanceId;

    public async Task<List<WorkflowRuntimeState>> LoadAllAsync(CancellationToken cancellationToken)
    {
        var result = new List<WorkflowRuntimeState>();
        if (_store is null)
            return result;
        foreach (var id in await ReadIndexAsync(cancellationToken))
        {
            var entry = await _store.GetAsync(InstanceKey(id), cancellationToken);
            if (entry is not null)
                result.Add(WorkflowRuntimeState.Parser.ParseFrom(entry.Value));
        }
        return result;
    }

    /// <summary>
    /// Snapshots the instances (and the index) now and saves them with the next group commit. Call it under the
    /// engine's lock, so saves are queued in the order the changes were made; await the task outside it.
    /// </summary>
    public Task SaveAsync(IEnumerable<InstanceRecord> changed, IEnumerable<string> allIds, bool indexChanged)
    {
        if (_writes is null)
            return Task.CompletedTask;
        var ops = changed.Select(i => (StateOperation)new StateUpsert(InstanceKey(i.Id), i.State.ToByteArray())).ToList();
        if (indexChanged)
            ops.Add(Index(allIds));
        return ops.Count == 0 ? Task.CompletedTask : _writes.WriteAsync(ops);
    }

    /// <summary>Deletes purged instances and rewrites the index, queued like <see cref="SaveAsync"/>.</summary>
    public Task DeleteAsync(IEnumerable<string> purged, IEnumerable<string> remainingIds)
    {
        if (_writes is null)
            return Task.CompletedTask;
        var ops = purged.Select(id => (StateOperation)new StateDelete(InstanceKey(id))).ToList();
        ops.Add(Index(remainingIds));
        return _writes.WriteAsync(ops);
    }

    private StateUpsert Index(IEnumerable<string> ids) =>
        new(IndexKey, JsonSerializer.SerializeToUtf8Bytes(ids.Order(StringComparer.Ordinal).ToList()));

    public void Dispose() => _writes?.Dispose();

    private async Task<List<string>> ReadIndexAsync(CancellationToken cancellationToken)
    {
        var entry = await _store!.GetAsync(IndexKey, cancellationToken);
        return entry is null ? [] : JsonSerializer.Deserialize<List<string>>(entry.Value) ?? [];
    }
}
