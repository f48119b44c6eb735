using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// The durable-task backend of one app id: instances of its workflows, their history and inbox, the work items its
/// workers pull, durable timers. One engine serves every replica of the app in a <see cref="SidecarCluster"/>
/// (<see cref="WorkflowEngines"/>), as daprd's replicas share one workflow state through actor placement. Every change happens under one lock and is queued for
/// saving to the actor state store there; only once it is committed does it have side effects (work queued,
/// timers armed, waiters woken).
/// </summary>
internal sealed partial class WorkflowEngine(
    string appId, SidecarCluster cluster, WorkflowStore store, WorkQueue queue, TimeProvider time, ILogger log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, InstanceRecord> _instances = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public WorkQueue Queue => queue;

    /// <summary>What one change touched and what to do once it is saved.</summary>
    private sealed class Batch
    {
        public HashSet<InstanceRecord> Changed { get; } = [];
        /// <summary>Instances this change created (their ids join the index).</summary>
        public List<string> Added { get; } = [];
        public List<Action> After { get; } = [];
    }

    /// <summary>
    /// Applies a change under the lock and queues its save there (so saves keep the order of changes); once the
    /// save is committed, wakes waiters and runs the side effects.
    /// </summary>
    private async Task<T> MutateAsync<T>(Func<Batch, T> change, CancellationToken cancellationToken)
    {
        var batch = new Batch();
        T result;
        Task saved;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            result = change(batch);
            var now = time.GetUtcNow();
            foreach (var instance in batch.Changed)
                instance.Stamp(now);
            var live = batch.Changed.Where(i => _instances.TryGetValue(i.Id, out var current) && ReferenceEquals(current, i));
            saved = store.SaveAsync(live, batch.Added);
        }
        finally
        {
            _gate.Release();
        }
        await saved;
        foreach (var instance in batch.Changed)
            instance.Notify();
        foreach (var effect in batch.After)
            effect();
        return result;
    }

    private Task MutateAsync(Action<Batch> change, CancellationToken cancellationToken) =>
        MutateAsync(b => { change(b); return true; }, cancellationToken);

    private async Task<T> ReadAsync<T>(Func<T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return read();
        }
        finally
        {
            _gate.Release();
        }
    }

    private InstanceRecord Find(string instanceId) =>
        _instances.TryGetValue(instanceId, out var instance) ? instance : throw new WorkflowNotFoundException(instanceId);

    private Timestamp Now => Timestamp.FromDateTimeOffset(time.GetUtcNow());

    // ---- client API ----

    public Task<string> StartAsync(string name, string? instanceId, string? input, Timestamp? startAt, CancellationToken cancellationToken)
    {
        var id = string.IsNullOrEmpty(instanceId) ? Guid.NewGuid().ToString("N") : instanceId;
        return MutateAsync(b =>
        {
            if (_instances.TryGetValue(id, out var existing) && !existing.IsTerminal)
                throw new WorkflowStateConflictException($"an active workflow with ID '{id}' already exists");
            if (!store.IsDurable && _instances.Count == 0)
                Log.NoActorStateStore(log, appId);
            Create(id, name, input, parent: null, startAt, b);
            return id;
        }, cancellationToken);
    }

    public Task<Dapr.DurableTask.Protobuf.WorkflowState?> GetAsync(string instanceId, bool withPayloads, CancellationToken cancellationToken) =>
        ReadAsync(() => _instances.TryGetValue(instanceId, out var i) ? i.ToWorkflowState(withPayloads) : null, cancellationToken);

    /// <summary>Waits until <paramref name="done"/> holds; null when there is no such instance.</summary>
    public async Task<Dapr.DurableTask.Protobuf.WorkflowState?> WaitAsync(
        string instanceId, Func<InstanceRecord, bool> done, bool withPayloads, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (state, changed) = await ReadAsync(() =>
            {
                if (!_instances.TryGetValue(instanceId, out var i))
                    return (null, null);
                return done(i) ? (i.ToWorkflowState(withPayloads), null) : ((Dapr.DurableTask.Protobuf.WorkflowState?)null, i.Changed);
            }, cancellationToken);
            if (changed is null)
                return state;
            await changed.WaitAsync(cancellationToken);
        }
    }

    public Task RaiseEventAsync(string instanceId, string name, string? input, CancellationToken cancellationToken) =>
        MutateAsync(b => AddToInbox(Find(instanceId), new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now,
            EventRaised = new EventRaisedEvent { Name = name, Input = input },
        }, b), cancellationToken);

    public Task TerminateAsync(string instanceId, string? output, bool recursive, CancellationToken cancellationToken) =>
        MutateAsync(b => Terminate(Find(instanceId), output, recursive, b), cancellationToken);

    /// <summary>Stops handing out turns; events keep arriving in the inbox, after an ExecutionSuspended marker.</summary>
    public Task SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        MutateAsync(b =>
        {
            var instance = Find(instanceId);
            if (instance.IsTerminal || instance.State.IsSuspended)
                return;
            instance.State.IsSuspended = true;
            AddToInbox(instance, new HistoryEvent { EventId = -1, Timestamp = Now, ExecutionSuspended = new ExecutionSuspendedEvent { Input = reason } }, b);
        }, cancellationToken);

    public Task ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        MutateAsync(b =>
        {
            var instance = Find(instanceId);
            if (!instance.State.IsSuspended)
                return;
            instance.State.IsSuspended = false;
            AddToInbox(instance, new HistoryEvent { EventId = -1, Timestamp = Now, ExecutionResumed = new ExecutionResumedEvent { Input = reason } }, b);
        }, cancellationToken);

    /// <summary>Removes a finished instance (and, when recursive, its finished children); returns how many.</summary>
    public async Task<int> PurgeAsync(string instanceId, bool recursive, CancellationToken cancellationToken)
    {
        var purged = new List<InstanceRecord>();
        Task saved;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_instances.TryGetValue(instanceId, out var root))
                return 0;
            if (!root.IsTerminal)
                throw new WorkflowStateConflictException($"workflow '{instanceId}' is not in a terminal state and cannot be purged");
            Collect(root);
            foreach (var p in purged)
                _instances.Remove(p.Id);
            saved = store.DeleteAsync(purged.Select(p => p.Id));

            void Collect(InstanceRecord instance)
            {
                purged.Add(instance);
                if (!recursive)
                    return;
                foreach (var child in instance.Children())
                {
                    if (_instances.TryGetValue(child, out var c) && c.IsTerminal && !purged.Contains(c))
                        Collect(c);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
        await saved;
        foreach (var p in purged)
            p.Notify();
        return purged.Count;
    }

    /// <summary>Purges every finished instance the filter matches (created between From and To, in one of the statuses).</summary>
    public async Task<int> PurgeMatchingAsync(PurgeInstanceFilter filter, bool recursive, CancellationToken cancellationToken)
    {
        var ids = await ReadAsync(() => _instances.Values.Where(i => i.IsTerminal
                && (filter.CreatedTimeFrom is null || i.State.CreatedTime >= filter.CreatedTimeFrom)
                && (filter.CreatedTimeTo is null || i.State.CreatedTime < filter.CreatedTimeTo)
                && (filter.RuntimeStatus.Count == 0 || filter.RuntimeStatus.Contains(i.Status)))
            .Select(i => i.Id).ToList(), cancellationToken);
        var count = 0;
        foreach (var id in ids)
            count += await PurgeAsync(id, recursive, cancellationToken);
        return count;
    }

    public Task<List<string>> ListIdsAsync(CancellationToken cancellationToken) =>
        ReadAsync(() => _instances.Values.OrderBy(i => i.State.CreatedTime).Select(i => i.Id).ToList(), cancellationToken);

    public Task<List<HistoryEvent>> HistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        ReadAsync(() => Find(instanceId).State.OldEvents.Select(e => e.Clone()).ToList(), cancellationToken);

    // ---- start-up: restore instances in flight ----

    public string AppId => appId;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var states = await store.LoadAllAsync(cancellationToken);
        await MutateAsync(b =>
        {
            foreach (var state in states)
                _instances[state.InstanceId] = new InstanceRecord(state);
            foreach (var instance in _instances.Values.Where(i => !i.IsTerminal))
            {
                foreach (var activity in instance.PendingActivities())
                    DispatchActivity(instance, activity, b);
                foreach (var timer in instance.PendingTimers())
                    ArmTimer(instance, timer, b);
                ScheduleStart(instance, b);
            }
        }, cancellationToken);
        if (states.Count > 0)
            Log.Restored(log, appId, states.Count);
    }

    /// <summary>The last replica left: timers and cross-app calls end; what is saved is picked up by the next engine.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _gate.WaitAsync(CancellationToken.None); // changes under way have queued their saves
        try
        {
            store.Dispose(); // queued saves still commit
        }
        finally
        {
            _gate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Warning, "App {AppId}: no state store has actorStateStore: \"true\"; workflow state lives in memory only")]
        public static partial void NoActorStateStore(ILogger logger, string appId);

        [LoggerMessage(LogLevel.Information, "App {AppId}: restored {Count} workflow instances")]
        public static partial void Restored(ILogger logger, string appId, int count);

        [LoggerMessage(LogLevel.Debug, "Workflow {InstanceId}: ignored a stale completion ({Token})")]
        public static partial void StaleCompletion(ILogger logger, string instanceId, string token);

        [LoggerMessage(LogLevel.Warning, "Workflow {InstanceId}: action {Action} is not supported and was ignored")]
        public static partial void UnsupportedAction(ILogger logger, string instanceId, string action);

        [LoggerMessage(LogLevel.Warning, "Workflow {InstanceId}: parent app {AppId} has no running sidecar; the child's result is dropped")]
        public static partial void ParentAppGone(ILogger logger, string instanceId, string appId);

        [LoggerMessage(LogLevel.Error, "Workflow {InstanceId}: a cross-app call failed")]
        public static partial void CrossAppFailed(ILogger logger, Exception error, string instanceId);

        [LoggerMessage(LogLevel.Error, "Workflow {InstanceId}: durable timer {TimerId} failed to fire")]
        public static partial void TimerFailed(ILogger logger, Exception error, string instanceId, int timerId);
    }
}
