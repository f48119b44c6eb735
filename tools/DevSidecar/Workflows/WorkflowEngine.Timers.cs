using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>Time in the engine: scheduled starts and durable timers, armed again from saved history on start.</summary>
internal sealed partial class WorkflowEngine
{
    /// <summary>Queues the first turn now, or arms the wait for a scheduled start (ScheduledStartTimestamp).</summary>
    private void ScheduleStart(InstanceRecord instance, Batch b)
    {
        if (StartTime(instance) is { } at)
            b.After.Add(() => _ = StartLaterAsync(instance, at));
        else
            ScheduleTurn(instance, b);
    }

    /// <summary>The time a pending instance may start, when that is still ahead.</summary>
    private DateTimeOffset? StartTime(InstanceRecord instance) =>
        instance.Status == OrchestrationStatus.Pending && instance.State.StartEvent.ScheduledStartTimestamp is { } at
            && at.ToDateTimeOffset() > time.GetUtcNow() ? at.ToDateTimeOffset() : null;

    private async Task StartLaterAsync(InstanceRecord instance, DateTimeOffset at)
    {
        try
        {
            await DelayUntilAsync(at);
            await MutateAsync(b => ScheduleTurn(instance, b), _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The sidecar stops; the instance is saved and starts when the sidecar next starts.
        }
    }

    private void ArmTimer(InstanceRecord instance, HistoryEvent timer, Batch b)
    {
        var executionId = instance.ExecutionId;
        var fireAt = timer.TimerCreated.FireAt;
        b.After.Add(() => _ = FireLaterAsync(instance.Id, executionId, timer.EventId, fireAt));
    }

    private async Task FireLaterAsync(string instanceId, string executionId, int timerId, Timestamp fireAt)
    {
        try
        {
            await DelayUntilAsync(fireAt.ToDateTimeOffset());
            await MutateAsync(b =>
            {
                if (_instances.TryGetValue(instanceId, out var instance) && instance.ExecutionId == executionId && instance.IsTimerPending(timerId))
                    AddToInbox(instance, new HistoryEvent { EventId = -1, Timestamp = Now, TimerFired = new TimerFiredEvent { FireAt = fireAt, TimerId = timerId } }, b);
            }, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The sidecar stops; the timer is in the saved history and is armed again on start.
        }
        catch (Exception e)
        {
            Log.TimerFailed(log, e, instanceId, timerId);
        }
    }

    /// <summary>Waits until <paramref name="at"/> in steps of at most a day (Task.Delay caps near 49 days).</summary>
    private async Task DelayUntilAsync(DateTimeOffset at)
    {
        for (var left = at - time.GetUtcNow(); left > TimeSpan.Zero; left = at - time.GetUtcNow())
            await Task.Delay(left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1), time, _stopping.Token);
    }
}
