namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// The Configuration's <c>spec.workflow.stateRetentionPolicy</c>: a finished instance is purged from the store once its
/// status's retention has passed since it completed, as daprd's retention reminder does. What waits here is an id and a
/// time per finished instance inside its retention window, never the instance; with no policy nothing waits.
/// </summary>
internal sealed partial class WorkflowEngine
{
    private readonly Lock _retentionGate = new();

    /// <summary>When each finished instance is due to be purged: the latest run's time wins over an earlier run's.</summary>
    private readonly Dictionary<string, DateTimeOffset> _purgeDue = new(StringComparer.Ordinal);

    private readonly PriorityQueue<(string Id, DateTimeOffset Due), DateTimeOffset> _purgeQueue = new();

    private TaskCompletionSource _purgeWake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task? _purgeLoop;

    /// <summary>How many finished instances wait for their retention to pass.</summary>
    internal int PurgesPending
    {
        get
        {
            lock (_retentionGate)
                return _purgeDue.Count;
        }
    }

    /// <summary>Queues the purge of a finished instance per the policy (nothing when its status is kept until purged).</summary>
    private void ScheduleRetention(InstanceRecord instance)
    {
        if (retention.For(instance.Status) is not { } keep)
            return;
        var completed = instance.State.CompletedTime?.ToDateTimeOffset() ?? time.GetUtcNow();
        var due = completed + keep;
        lock (_retentionGate)
        {
            _purgeDue[instance.Id] = due;
            var earliest = _purgeQueue.TryPeek(out _, out var head) ? head : DateTimeOffset.MaxValue;
            _purgeQueue.Enqueue((instance.Id, due), due);
            _purgeLoop ??= Task.Run(PurgeLoopAsync);
            if (due < earliest)
                _purgeWake.TrySetResult();
        }
    }

    private async Task PurgeLoopAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Task wake;
            TimeSpan wait;
            List<string> due = [];
            lock (_retentionGate)
            {
                var now = time.GetUtcNow();
                while (_purgeQueue.TryPeek(out var entry, out var at) && at <= now)
                {
                    _purgeQueue.Dequeue();
                    // An entry another run of the same id replaced is stale; the newer one stays queued.
                    if (_purgeDue.TryGetValue(entry.Id, out var current) && current == entry.Due)
                        due.Add(entry.Id);
                }
                wake = (_purgeWake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                wait = _purgeQueue.TryPeek(out _, out var next) ? next - now : TimeSpan.FromDays(1);
            }
            try
            {
                if (due.Count > 0)
                {
                    // Only what is still finished: an id started again meanwhile is in flight and not deleted.
                    var purged = await DeleteAsync(due, stopping);
                    Log.RetentionPurged(log, appId, purged);
                    continue;
                }
                await Task.WhenAny(wake, Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), time, stopping));
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return; // what is saved is purged by the next engine, from the times in the saved instances
            }
            catch (Exception e)
            {
                Log.RetentionFailed(log, e, appId);
                lock (_retentionGate)
                {
                    foreach (var id in due.Where(_purgeDue.ContainsKey))
                        _purgeQueue.Enqueue((id, _purgeDue[id]), _purgeDue[id]);
                }
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
