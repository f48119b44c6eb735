using Dapr.DurableTask.Protobuf;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>The worker side: handing out work items and taking their results back.</summary>
internal sealed partial class WorkflowEngine
{
    /// <summary>Turns a queued ticket into a work item for a stream; null when the ticket went stale meanwhile.</summary>
    public Task<WorkItem?> CheckoutAsync(WorkTicket ticket, Guid stream, CancellationToken cancellationToken) =>
        ReadAsync(() => ticket switch
        {
            TurnTicket t => CheckoutTurn(t, stream),
            ActivityTicket a => CheckoutActivity(a, stream),
            RemoteActivityTicket r => CheckoutRemoteActivity(r, stream),
            _ => null,
        }, cancellationToken);

    private WorkItem? CheckoutTurn(TurnTicket ticket, Guid stream)
    {
        if (!_instances.TryGetValue(ticket.InstanceId, out var instance))
            return null;
        instance.TurnQueued = false;
        if (!instance.CanRunTurn)
            return null;
        var token = $"wf:{instance.Id}:{Guid.NewGuid():N}";
        instance.TurnToken = token;
        instance.TurnEventCount = instance.State.NewEvents.Count;
        instance.TurnStarted = new HistoryEvent { EventId = -1, Timestamp = Now, WorkflowStarted = new WorkflowStartedEvent() };
        var request = new WorkflowRequest { InstanceId = instance.Id, ExecutionId = instance.ExecutionId };
        request.PastEvents.AddRange(instance.State.OldEvents);
        request.NewEvents.Add(instance.TurnStarted);
        request.NewEvents.AddRange(instance.State.NewEvents);
        queue.MarkInFlight(token, ticket, stream);
        return new WorkItem { WorkflowRequest = request, CompletionToken = token };
    }

    private WorkItem? CheckoutActivity(ActivityTicket ticket, Guid stream)
    {
        if (!_instances.TryGetValue(ticket.InstanceId, out var instance) || instance.IsTerminal || instance.ExecutionId != ticket.ExecutionId)
            return null;
        var scheduled = instance.PendingActivities().FirstOrDefault(e => e.EventId == ticket.TaskId);
        if (scheduled is null)
            return null;
        var token = $"act:{instance.Id}:{ticket.TaskId}:{Guid.NewGuid():N}";
        queue.MarkInFlight(token, ticket, stream);
        return new WorkItem
        {
            CompletionToken = token,
            ActivityRequest = new ActivityRequest
            {
                Name = scheduled.TaskScheduled.Name,
                Version = scheduled.TaskScheduled.Version,
                Input = scheduled.TaskScheduled.Input,
                WorkflowInstance = new WorkflowInstance { InstanceId = instance.Id, ExecutionId = instance.ExecutionId },
                TaskId = ticket.TaskId,
                TaskExecutionId = scheduled.TaskScheduled.TaskExecutionId,
                ParentTraceContext = scheduled.TaskScheduled.ParentTraceContext,
            },
        };
    }

    /// <summary>A worker stream went away: its unfinished work goes back to the queue for the next worker.</summary>
    public Task StreamClosedAsync(Guid stream) => _stopping.IsCancellationRequested
        ? Task.CompletedTask // the last replica stopped with it; the saved state is loaded again by the next engine
        : MutateAsync(b =>
        {
            var orphans = queue.CloseStream(stream);
            if (orphans.Count > 0)
                Log.HandedBack(log, appId, string.Join(",", orphans.Select(o => o.Ticket.InstanceId).Distinct()));
            foreach (var (token, ticket) in orphans)
            {
                if (ticket is not TurnTicket)
                {
                    b.After.Add(() => queue.Enqueue(ticket));
                }
                else if (_instances.TryGetValue(ticket.InstanceId, out var instance) && instance.TurnToken == token)
                {
                    instance.TurnToken = null;
                    ScheduleTurn(instance, b);
                }
            }
        }, CancellationToken.None);

    public async Task CompleteActivityAsync(ActivityResponse response, CancellationToken cancellationToken)
    {
        if (TakeRemote(response.CompletionToken) is { } origin)
        {
            queue.Complete(response.CompletionToken);
            await origin.CompleteActivityAsync(response, cancellationToken);
            return;
        }
        await CompleteLocalActivityAsync(response, cancellationToken);
    }

    private Task CompleteLocalActivityAsync(ActivityResponse response, CancellationToken cancellationToken) =>
        MutateAsync(b =>
        {
            if (!string.IsNullOrEmpty(response.CompletionToken))
                queue.Complete(response.CompletionToken);
            if (!_instances.TryGetValue(response.InstanceId, out var instance) || instance.IsTerminal || !instance.IsActivityPending(response.TaskId))
            {
                Log.StaleCompletion(log, response.InstanceId, response.CompletionToken);
                return;
            }
            var result = new HistoryEvent { EventId = -1, Timestamp = Now };
            if (response.FailureDetails is { } failure)
                result.TaskFailed = new TaskFailedEvent { TaskScheduledId = response.TaskId, FailureDetails = failure };
            else
                result.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = response.TaskId, Result = response.Result };
            AddToInbox(instance, result, b);
        }, cancellationToken);

    public Task CompleteTurnAsync(WorkflowResponse response, CancellationToken cancellationToken) =>
        MutateAsync(b =>
        {
            var token = response.CompletionToken;
            if (!string.IsNullOrEmpty(token))
                queue.Complete(token);
            if (!_instances.TryGetValue(response.InstanceId, out var instance) || instance.TurnToken is null
                || (!string.IsNullOrEmpty(token) && token != instance.TurnToken))
            {
                Log.StaleCompletion(log, response.InstanceId, token);
                return;
            }
            if (string.IsNullOrEmpty(token))
                queue.Complete(instance.TurnToken);

            var history = instance.State.OldEvents;
            history.Add(instance.TurnStarted);
            for (var n = 0; n < instance.TurnEventCount; n++)
            {
                var e = instance.State.NewEvents[0];
                instance.State.NewEvents.RemoveAt(0);
                history.Add(e);
            }
            instance.TurnToken = null;
            instance.TurnStarted = null;
            instance.TurnEventCount = 0;
            instance.State.CustomStatus = response.CustomStatus;
            b.Changed.Add(instance);
            foreach (var action in response.Actions)
            {
                if (!Apply(instance, action, b))
                    break;
            }
            ScheduleTurn(instance, b);
        }, cancellationToken);
}
