using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// The durable-task backend of one app id: instances of its workflows, their history and inbox, the work items its
/// workers pull, durable timers. One engine serves every replica of the app in a <see cref="SidecarCluster"/>
/// (<see cref="WorkflowEngines"/>), as daprd's replicas share one workflow state through actor placement. Every change happens under one lock and is queued for
/// saving to the actor state store there; only once it is committed does it have side effects (work queued,
/// timers armed, waiters woken). Only instances in flight live in memory: one that finished leaves it once its final
/// save is committed and is read from the store on demand until the retention policy (or a purge) removes it.
/// </summary>
internal sealed partial class WorkflowEngine(
    string appId, SidecarCluster cluster, WorkflowStore store, WorkQueue queue, TimeProvider time, ILogger log,
    WorkflowRetentionPolicy retention)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The instances in flight (not terminal).</summary>
    private readonly Dictionary<string, InstanceRecord> _instances = new(StringComparer.Ordinal);

    /// <summary>Instances that just finished, until their final save is committed (then the store has them).</summary>
    private readonly Dictionary<string, InstanceRecord> _finishing = new(StringComparer.Ordinal);

    private readonly CancellationTokenSource _stopping = new();

    /// <summary>How many instances this engine holds in memory: those in flight and those whose final save is under way.</summary>
    internal int InstancesInMemory
    {
        get
        {
            lock (_finishing)
                return _instances.Count + _finishing.Count;
        }
    }

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
        List<InstanceRecord> finished;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            result = change(batch);
            var now = time.GetUtcNow();
            foreach (var instance in batch.Changed)
                instance.Stamp(now);
            var live = batch.Changed.Where(i => _instances.TryGetValue(i.Id, out var current) && ReferenceEquals(current, i)).ToList();
            saved = store.SaveAsync(live, batch.Added);
            finished = live.Where(i => i.IsTerminal).ToList();
            lock (_finishing)
            {
                foreach (var instance in finished)
                {
                    _instances.Remove(instance.Id);
                    _finishing[instance.Id] = instance;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
        try
        {
            await saved;
        }
        finally
        {
            // Committed (or failed, when the store is gone): the store is where a finished instance is read from now.
            lock (_finishing)
            {
                foreach (var instance in finished)
                {
                    if (_finishing.TryGetValue(instance.Id, out var current) && ReferenceEquals(current, instance))
                        _finishing.Remove(instance.Id);
                }
            }
        }
        foreach (var instance in finished)
            ScheduleRetention(instance);
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

    private Timestamp Now => Timestamp.FromDateTimeOffset(time.GetUtcNow());

    public string AppId => appId;

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
        [LoggerMessage(LogLevel.Information, "App {AppId}: a worker left with work in flight; handed to the other workers: instances {Instances}")]
        public static partial void HandedBack(ILogger logger, string appId, string instances);

        [LoggerMessage(LogLevel.Warning, "App {AppId}: no state store has actorStateStore: \"true\"; workflow state lives in memory only")]
        public static partial void NoActorStateStore(ILogger logger, string appId);

        [LoggerMessage(LogLevel.Information, "App {AppId}: restored {Count} workflow instances")]
        public static partial void Restored(ILogger logger, string appId, int count);

        [LoggerMessage(LogLevel.Debug, "App {AppId}: purged {Count} finished workflow instances (stateRetentionPolicy)")]
        public static partial void RetentionPurged(ILogger logger, string appId, int count);

        [LoggerMessage(LogLevel.Warning, "App {AppId}: purging finished workflow instances failed; retrying in 1 s")]
        public static partial void RetentionFailed(ILogger logger, Exception error, string appId);

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
