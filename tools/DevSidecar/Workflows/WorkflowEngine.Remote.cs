using System.Collections.Concurrent;
using Dapr.DurableTask.Protobuf;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// Cross-app work (WorkflowTaskOptions.TargetAppId): an activity or child workflow routed to another app runs on
/// that app's workers, through its sidecar's engine, and its result comes back to this engine.
/// </summary>
internal sealed partial class WorkflowEngine
{
    /// <summary>Completion token of a remote activity handed to this app's worker → the engine that asked for it.</summary>
    private readonly ConcurrentDictionary<string, WorkflowEngine> _remote = new(StringComparer.Ordinal);

    private bool IsRemote(string? target) => !string.IsNullOrEmpty(target) && target != appId;

    private WorkflowEngine? Peer(string target) => cluster.Workflows.Find(target);

    private WorkflowEngine? TakeRemote(string token) =>
        !string.IsNullOrEmpty(token) && _remote.TryRemove(token, out var origin) ? origin : null;

    /// <summary>Queues a scheduled activity here, or on the target app's engine when the workflow routed it there.</summary>
    private void DispatchActivity(InstanceRecord instance, HistoryEvent scheduled, Batch b)
    {
        var target = scheduled.Router?.TargetAppID;
        if (!IsRemote(target))
        {
            var ticket = new ActivityTicket(instance.Id, instance.ExecutionId, scheduled.EventId);
            b.After.Add(() => queue.Enqueue(ticket));
            return;
        }
        var request = new ActivityRequest
        {
            Name = scheduled.TaskScheduled.Name,
            Version = scheduled.TaskScheduled.Version,
            Input = scheduled.TaskScheduled.Input,
            WorkflowInstance = new WorkflowInstance { InstanceId = instance.Id, ExecutionId = instance.ExecutionId },
            TaskId = scheduled.EventId,
            TaskExecutionId = scheduled.TaskScheduled.TaskExecutionId,
            ParentTraceContext = scheduled.TaskScheduled.ParentTraceContext,
        };
        if (Peer(target!) is { } peer)
        {
            b.After.Add(() => peer.Queue.Enqueue(new RemoteActivityTicket(instance.Id, request, this)));
            return;
        }
        AddToInbox(instance, new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now,
            TaskFailed = new TaskFailedEvent { TaskScheduledId = scheduled.EventId, FailureDetails = AppNotFound(target!) },
        }, b);
    }

    private WorkItem CheckoutRemoteActivity(RemoteActivityTicket ticket, Guid stream)
    {
        var token = $"ract:{ticket.InstanceId}:{ticket.Request.TaskId}:{Guid.NewGuid():N}";
        _remote[token] = ticket.Origin;
        queue.MarkInFlight(token, ticket, stream);
        return new WorkItem { CompletionToken = token, ActivityRequest = ticket.Request };
    }

    private void StartRemoteChild(InstanceRecord parent, int actionId, string childId, CreateChildWorkflowAction child, string target, Batch b)
    {
        var info = new ParentInstanceInfo
        {
            TaskScheduledId = actionId,
            Name = parent.Name,
            WorkflowInstance = new WorkflowInstance { InstanceId = parent.Id, ExecutionId = parent.ExecutionId },
            AppID = appId,
        };
        if (Peer(target) is { } peer)
        {
            b.After.Add(() => Detached(() => peer.StartChildAsync(childId, child.Name, child.Input, info, parent.State.StartEvent.ParentTraceContext, this), parent.Id));
            return;
        }
        AddToInbox(parent, new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now,
            ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent { TaskScheduledId = actionId, FailureDetails = AppNotFound(target) },
        }, b);
    }

    /// <summary>Starts a child workflow another app's workflow asked for; a refusal goes back to that parent.</summary>
    private async Task StartChildAsync(string childId, string name, string? input, ParentInstanceInfo parent, TraceContext? trace, WorkflowEngine origin)
    {
        try
        {
            await MutateAsync(b =>
            {
                if (_instances.TryGetValue(childId, out var existing) && !existing.IsTerminal)
                    throw new WorkflowStateConflictException($"an active workflow with ID '{childId}' already exists");
                Create(childId, name, input, parent, startAt: null, trace, b);
            }, _stopping.Token);
        }
        catch (WorkflowStateConflictException e)
        {
            await origin.DeliverAsync(parent, new HistoryEvent
            {
                EventId = -1,
                Timestamp = Now,
                ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
                {
                    TaskScheduledId = parent.TaskScheduledId,
                    FailureDetails = new TaskFailureDetails { ErrorType = "WorkflowAlreadyExists", ErrorMessage = e.Message },
                },
            });
        }
    }

    private void ForwardToParent(ParentInstanceInfo parent, HistoryEvent report, Batch b)
    {
        if (Peer(parent.AppID) is { } peer)
            b.After.Add(() => Detached(() => peer.DeliverAsync(parent, report), parent.WorkflowInstance.InstanceId));
        else
            Log.ParentAppGone(log, parent.WorkflowInstance.InstanceId, parent.AppID);
    }

    /// <summary>A child in another app finished: its result joins the parent's inbox here.</summary>
    private Task DeliverAsync(ParentInstanceInfo parent, HistoryEvent report) =>
        MutateAsync(b =>
        {
            if (_instances.TryGetValue(parent.WorkflowInstance.InstanceId, out var instance) && instance.ExecutionId == parent.WorkflowInstance.ExecutionId)
                AddToInbox(instance, report, b);
        }, _stopping.Token);

    /// <summary>Runs a call into another engine off this engine's lock; a failure is logged, not lost.</summary>
    private void Detached(Func<Task> work, string instanceId) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // This sidecar stops; the saved state is picked up again on start.
            }
            catch (Exception e)
            {
                Log.CrossAppFailed(log, e, instanceId);
            }
        });

    private static TaskFailureDetails AppNotFound(string target) =>
        new() { ErrorType = "AppNotFound", ErrorMessage = $"app '{target}' has no running sidecar to route the workflow task to" };
}
