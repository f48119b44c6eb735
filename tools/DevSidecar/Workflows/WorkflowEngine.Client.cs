using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// The client API (start, get, wait, raise, terminate, suspend, resume, purge, list, history) and the start-up. An
/// instance in flight is answered from memory, a finished one from the store.
/// </summary>
internal sealed partial class WorkflowEngine
{
    private bool _warnedNotDurable;

    /// <summary>An instance in memory (in flight, or finishing), under the lock; null when it is not there.</summary>
    private InstanceRecord? Local(string instanceId)
    {
        if (_instances.TryGetValue(instanceId, out var instance))
            return instance;
        lock (_finishing)
            return _finishing.GetValueOrDefault(instanceId);
    }

    /// <summary>An instance from memory or, finished, from the store; null when there is none.</summary>
    private async Task<InstanceRecord?> LookUpAsync(string instanceId, CancellationToken cancellationToken) =>
        await ReadAsync(() => Local(instanceId), cancellationToken)
        ?? (await store.GetAsync(instanceId, cancellationToken) is { } saved ? new InstanceRecord(saved) : null);

    private InstanceRecord Find(string instanceId) => Local(instanceId) ?? throw new WorkflowNotFoundException(instanceId);

    public Task<string> StartAsync(string name, string? instanceId, string? input, Timestamp? startAt, TraceContext? trace, CancellationToken cancellationToken)
    {
        var id = string.IsNullOrEmpty(instanceId) ? Guid.NewGuid().ToString("N") : instanceId;
        return MutateAsync(b =>
        {
            if (_instances.ContainsKey(id))
                throw new WorkflowStateConflictException($"an active workflow with ID '{id}' already exists");
            if (!store.IsDurable && !_warnedNotDurable)
            {
                _warnedNotDurable = true;
                Log.NoActorStateStore(log, appId);
            }
            Create(id, name, input, parent: null, startAt, trace, b);
            return id;
        }, cancellationToken);
    }

    public async Task<Dapr.DurableTask.Protobuf.WorkflowState?> GetAsync(string instanceId, bool withPayloads, CancellationToken cancellationToken)
    {
        // Read under the lock: a turn in flight changes an instance in memory.
        var local = await ReadAsync(() => Local(instanceId)?.ToWorkflowState(withPayloads), cancellationToken);
        return local ?? (await store.GetAsync(instanceId, cancellationToken) is { } saved ? new InstanceRecord(saved).ToWorkflowState(withPayloads) : null);
    }

    /// <summary>Waits until <paramref name="done"/> holds; null when there is no such instance.</summary>
    public async Task<Dapr.DurableTask.Protobuf.WorkflowState?> WaitAsync(
        string instanceId, Func<InstanceRecord, bool> done, bool withPayloads, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (found, state, changed) = await ReadAsync(() =>
            {
                if (Local(instanceId) is not { } i)
                    return (false, null, null);
                return done(i) ? (true, i.ToWorkflowState(withPayloads), null) : (true, (Dapr.DurableTask.Protobuf.WorkflowState?)null, i.Changed);
            }, cancellationToken);
            if (!found)
            {
                // Not in memory: finished (every wait ends at a terminal status) or not there at all.
                var saved = await store.GetAsync(instanceId, cancellationToken) is { } s ? new InstanceRecord(s) : null;
                return saved is not null && done(saved) ? saved.ToWorkflowState(withPayloads) : null;
            }
            if (changed is null)
                return state;
            await changed.WaitAsync(cancellationToken);
        }
    }

    public Task RaiseEventAsync(string instanceId, string name, string? input, CancellationToken cancellationToken) =>
        OnInstanceAsync(instanceId, b => AddToInbox(Find(instanceId), new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now,
            EventRaised = new EventRaisedEvent { Name = name, Input = input },
        }, b), cancellationToken);

    public Task TerminateAsync(string instanceId, string? output, bool recursive, CancellationToken cancellationToken) =>
        OnInstanceAsync(instanceId, b => Terminate(Find(instanceId), output, recursive, b), cancellationToken);

    /// <summary>Stops handing out turns; events keep arriving in the inbox, after an ExecutionSuspended marker.</summary>
    public Task SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        OnInstanceAsync(instanceId, b =>
        {
            var instance = Find(instanceId);
            if (instance.IsTerminal || instance.State.IsSuspended)
                return;
            instance.State.IsSuspended = true;
            AddToInbox(instance, new HistoryEvent { EventId = -1, Timestamp = Now, ExecutionSuspended = new ExecutionSuspendedEvent { Input = reason } }, b);
        }, cancellationToken);

    public Task ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        OnInstanceAsync(instanceId, b =>
        {
            var instance = Find(instanceId);
            if (!instance.State.IsSuspended)
                return;
            instance.State.IsSuspended = false;
            AddToInbox(instance, new HistoryEvent { EventId = -1, Timestamp = Now, ExecutionResumed = new ExecutionResumedEvent { Input = reason } }, b);
        }, cancellationToken);

    /// <summary>A change to one instance; on a finished one (in the store only) it changes nothing, as on one in memory.</summary>
    private async Task OnInstanceAsync(string instanceId, Action<Batch> change, CancellationToken cancellationToken)
    {
        try
        {
            await MutateAsync(change, cancellationToken);
        }
        catch (WorkflowNotFoundException)
        {
            if (await store.GetAsync(instanceId, cancellationToken) is null)
                throw;
            // Finished and saved: nothing to raise, terminate, suspend or resume.
        }
    }

    /// <summary>Removes a finished instance (and, when recursive, its finished children); returns how many.</summary>
    public async Task<int> PurgeAsync(string instanceId, bool recursive, CancellationToken cancellationToken)
    {
        if (await LookUpAsync(instanceId, cancellationToken) is not { } root)
            return 0;
        if (!root.IsTerminal)
            throw new WorkflowStateConflictException($"workflow '{instanceId}' is not in a terminal state and cannot be purged");
        var purged = new List<string> { root.Id };
        if (recursive)
            await CollectChildrenAsync(root, purged, cancellationToken);
        return await DeleteAsync(purged, cancellationToken);
    }

    /// <summary>The finished children (and theirs) of a finished instance, read from memory or the store.</summary>
    private async Task CollectChildrenAsync(InstanceRecord parent, List<string> purged, CancellationToken cancellationToken)
    {
        foreach (var child in parent.Children().ToList())
        {
            if (purged.Contains(child) || await LookUpAsync(child, cancellationToken) is not { IsTerminal: true } c)
                continue;
            purged.Add(child);
            await CollectChildrenAsync(c, purged, cancellationToken);
        }
    }

    /// <summary>Deletes the instances that are still finished (none started again meanwhile) from the store; returns how many.</summary>
    private async Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        List<InstanceRecord> gone = [];
        Task saved;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var deleted = ids.Where(id => !_instances.ContainsKey(id)).ToList();
            lock (_finishing)
            {
                foreach (var id in deleted)
                {
                    if (_finishing.Remove(id, out var finishing))
                        gone.Add(finishing);
                }
            }
            lock (_retentionGate)
            {
                foreach (var id in ids) // an id in flight again gets its time anew when it finishes
                    _purgeDue.Remove(id);
            }
            saved = store.DeleteAsync(deleted); // queued behind every save before it
            ids = deleted;
        }
        finally
        {
            _gate.Release();
        }
        await saved;
        foreach (var instance in gone)
            instance.Notify();
        return ids.Count;
    }

    /// <summary>Purges every finished instance the filter matches (created between From and To, in one of the statuses).</summary>
    public async Task<int> PurgeMatchingAsync(PurgeInstanceFilter filter, bool recursive, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var id in store.Ids())
        {
            if (await LookUpAsync(id, cancellationToken) is not { IsTerminal: true } i
                || (filter.CreatedTimeFrom is not null && i.State.CreatedTime < filter.CreatedTimeFrom)
                || (filter.CreatedTimeTo is not null && i.State.CreatedTime >= filter.CreatedTimeTo)
                || (filter.RuntimeStatus.Count > 0 && !filter.RuntimeStatus.Contains(i.Status)))
                continue;
            count += await PurgeAsync(id, recursive, cancellationToken);
        }
        return count;
    }

    /// <summary>Every instance saved (in flight or finished and not purged), in ordinal order of the ids.</summary>
    public Task<List<string>> ListIdsAsync(CancellationToken cancellationToken) => Task.FromResult(store.Ids());

    public async Task<List<HistoryEvent>> HistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        var local = await ReadAsync(() => Local(instanceId)?.State.OldEvents.Select(e => e.Clone()).ToList(), cancellationToken);
        if (local is not null)
            return local;
        return await store.GetAsync(instanceId, cancellationToken) is { } saved ? [.. saved.OldEvents] : throw new WorkflowNotFoundException(instanceId);
    }

    // ---- start-up: restore instances in flight ----

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var restored = 0;
        await foreach (var state in store.LoadAllAsync(cancellationToken))
        {
            var instance = new InstanceRecord(state);
            if (instance.IsTerminal)
                ScheduleRetention(instance); // and let it go: it stays in the store
            else
                _instances[state.InstanceId] = instance;
            restored++;
        }
        await MutateAsync(b =>
        {
            foreach (var instance in _instances.Values)
            {
                foreach (var activity in instance.PendingActivities())
                    DispatchActivity(instance, activity, b);
                foreach (var timer in instance.PendingTimers())
                    ArmTimer(instance, timer, b);
                ScheduleStart(instance, b);
            }
        }, cancellationToken);
        if (restored > 0)
            Log.Restored(log, appId, restored);
    }
}
