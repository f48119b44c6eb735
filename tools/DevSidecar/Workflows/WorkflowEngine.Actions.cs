using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>What the workflow's actions do to the instance store: activities, timers, children, events, the end.</summary>
internal sealed partial class WorkflowEngine
{
    private void Create(string id, string name, string? input, ParentInstanceInfo? parent, Timestamp? startAt, TraceContext? trace, Batch b)
    {
        var executionId = Guid.NewGuid().ToString("N");
        var started = new ExecutionStartedEvent
        {
            Name = name,
            Input = input,
            WorkflowInstance = new WorkflowInstance { InstanceId = id, ExecutionId = executionId },
            ParentInstance = parent,
            ScheduledStartTimestamp = startAt,
            ParentTraceContext = WorkflowTrace.Child(trace),
        };
        var state = new WorkflowRuntimeState { InstanceId = id, StartEvent = started, CreatedTime = Now, LastUpdatedTime = Now };
        state.NewEvents.Add(new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now,
            Router = new TaskRouter { SourceAppID = appId },
            ExecutionStarted = started,
        });
        var instance = new InstanceRecord(state);
        if (_instances.TryGetValue(id, out var replaced))
            b.After.Add(replaced.Notify);
        _instances[id] = instance;
        b.Added.Add(id);
        b.Changed.Add(instance);
        ScheduleStart(instance, b);
    }

    private void AddToInbox(InstanceRecord instance, HistoryEvent e, Batch b)
    {
        if (instance.IsTerminal)
            return;
        instance.State.NewEvents.Add(e);
        b.Changed.Add(instance);
        ScheduleTurn(instance, b);
    }

    private void ScheduleTurn(InstanceRecord instance, Batch b)
    {
        if (instance.TurnQueued || !instance.CanRunTurn || StartTime(instance) is not null)
            return;
        instance.TurnQueued = true;
        b.After.Add(() => queue.Enqueue(new TurnTicket(instance.Id)));
    }

    /// <summary>Applies one action of a completed turn; false when the execution ended and later actions are moot.</summary>
    private bool Apply(InstanceRecord instance, WorkflowAction action, Batch b)
    {
        var e = new HistoryEvent { EventId = action.Id, Timestamp = Now, Router = action.Router };
        switch (action.WorkflowActionTypeCase)
        {
            case WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask:
                var task = action.ScheduleTask;
                e.Router = task.Router ?? action.Router;
                e.TaskScheduled = new TaskScheduledEvent
                {
                    Name = task.Name,
                    Version = task.Version,
                    Input = task.Input,
                    TaskExecutionId = task.TaskExecutionId,
                    ParentTraceContext = WorkflowTrace.Child(instance.State.StartEvent.ParentTraceContext),
                };
                instance.State.OldEvents.Add(e);
                DispatchActivity(instance, e, b);
                return true;
            case WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer:
                e.TimerCreated = TimerCreated(action.CreateTimer);
                instance.State.OldEvents.Add(e);
                ArmTimer(instance, e, b);
                return true;
            case WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow:
                StartChild(instance, action.Id, action.CreateChildWorkflow, e, b);
                return true;
            case WorkflowAction.WorkflowActionTypeOneofCase.CreateDetachedWorkflow:
                var detached = action.CreateDetachedWorkflow;
                var detachedId = string.IsNullOrEmpty(detached.InstanceId) ? Guid.NewGuid().ToString("N") : detached.InstanceId;
                e.DetachedWorkflowInstanceCreated = new DetachedWorkflowInstanceCreatedEvent { InstanceId = detachedId };
                instance.State.OldEvents.Add(e);
                if (!_instances.TryGetValue(detachedId, out var running) || running.IsTerminal)
                    Create(detachedId, detached.Name, detached.Input, parent: null, detached.ScheduledStartTimestamp,
                        detached.ParentTraceContext ?? instance.State.StartEvent.ParentTraceContext, b);
                return true;
            case WorkflowAction.WorkflowActionTypeOneofCase.SendEvent:
                var send = action.SendEvent;
                e.EventSent = new EventSentEvent { InstanceId = send.Instance?.InstanceId ?? "", Name = send.Name, Input = send.Data };
                instance.State.OldEvents.Add(e);
                if (_instances.TryGetValue(e.EventSent.InstanceId, out var target))
                    AddToInbox(target, new HistoryEvent { EventId = -1, Timestamp = Now, EventRaised = new EventRaisedEvent { Name = send.Name, Input = send.Data } }, b);
                return true;
            case WorkflowAction.WorkflowActionTypeOneofCase.TerminateWorkflow:
                var terminate = action.TerminateWorkflow;
                if (_instances.TryGetValue(terminate.InstanceId, out var victim))
                    Terminate(victim, terminate.Reason, terminate.Recurse, b);
                return !instance.IsTerminal;
            case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow:
                Finish(instance, action.Id, action.CompleteWorkflow, b);
                return false;
            default:
                Log.UnsupportedAction(log, instance.Id, action.WorkflowActionTypeCase.ToString());
                return true;
        }
    }

    private static TimerCreatedEvent TimerCreated(CreateTimerAction timer)
    {
        var created = new TimerCreatedEvent { FireAt = timer.FireAt, Name = timer.Name };
        switch (timer.OriginCase)
        {
            case CreateTimerAction.OriginOneofCase.CreateTimer: created.CreateTimer = timer.CreateTimer; break;
            case CreateTimerAction.OriginOneofCase.ExternalEvent: created.ExternalEvent = timer.ExternalEvent; break;
            case CreateTimerAction.OriginOneofCase.ActivityRetry: created.ActivityRetry = timer.ActivityRetry; break;
            case CreateTimerAction.OriginOneofCase.ChildWorkflowRetry: created.ChildWorkflowRetry = timer.ChildWorkflowRetry; break;
        }
        return created;
    }

    private void StartChild(InstanceRecord parent, int actionId, CreateChildWorkflowAction child, HistoryEvent e, Batch b)
    {
        var childId = string.IsNullOrEmpty(child.InstanceId) ? $"{parent.Id}:{actionId:x4}" : child.InstanceId;
        e.Router = child.Router ?? e.Router;
        e.ChildWorkflowInstanceCreated = new ChildWorkflowInstanceCreatedEvent
        {
            InstanceId = childId,
            Name = child.Name,
            Version = child.Version,
            Input = child.Input,
            ParentTraceContext = WorkflowTrace.Child(parent.State.StartEvent.ParentTraceContext),
        };
        parent.State.OldEvents.Add(e);
        if (IsRemote(e.Router?.TargetAppID))
        {
            StartRemoteChild(parent, actionId, childId, child, e.Router!.TargetAppID, b);
            return;
        }
        if (_instances.TryGetValue(childId, out var existing) && !existing.IsTerminal)
        {
            AddToInbox(parent, new HistoryEvent
            {
                EventId = -1,
                Timestamp = Now,
                ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
                {
                    TaskScheduledId = actionId,
                    FailureDetails = new TaskFailureDetails { ErrorType = "WorkflowAlreadyExists", ErrorMessage = $"an active workflow with ID '{childId}' already exists" },
                },
            }, b);
            return;
        }
        var info = new ParentInstanceInfo
        {
            TaskScheduledId = actionId,
            Name = parent.Name,
            WorkflowInstance = new WorkflowInstance { InstanceId = parent.Id, ExecutionId = parent.ExecutionId },
            AppID = appId,
        };
        Create(childId, child.Name, child.Input, info, startAt: null, e.ChildWorkflowInstanceCreated.ParentTraceContext, b);
    }

    private void Finish(InstanceRecord instance, int actionId, CompleteWorkflowAction done, Batch b)
    {
        if (done.WorkflowStatus == OrchestrationStatus.ContinuedAsNew)
        {
            ContinueAsNew(instance, done, b);
            return;
        }
        var completed = new ExecutionCompletedEvent { WorkflowStatus = done.WorkflowStatus, Result = done.Result, FailureDetails = done.FailureDetails };
        End(instance, new HistoryEvent { EventId = actionId, Timestamp = Now, ExecutionCompleted = completed }, b);
    }

    private void ContinueAsNew(InstanceRecord instance, CompleteWorkflowAction done, Batch b)
    {
        var state = instance.State;
        var started = state.StartEvent.Clone();
        started.Input = done.Result;
        started.WorkflowInstance = new WorkflowInstance { InstanceId = instance.Id, ExecutionId = Guid.NewGuid().ToString("N") };
        var leftover = state.NewEvents.ToList();
        state.OldEvents.Clear();
        state.NewEvents.Clear();
        state.StartEvent = started;
        state.ContinuedAsNew = true;
        state.NewEvents.Add(new HistoryEvent { EventId = -1, Timestamp = Now, Router = new TaskRouter { SourceAppID = appId }, ExecutionStarted = started });
        state.NewEvents.AddRange(done.CarryoverEvents);
        state.NewEvents.AddRange(leftover);
        b.Changed.Add(instance);
        ScheduleTurn(instance, b);
    }

    private void Terminate(InstanceRecord instance, string? output, bool recursive, Batch b)
    {
        if (instance.IsTerminal)
            return;
        instance.State.OldEvents.Add(new HistoryEvent { EventId = -1, Timestamp = Now, ExecutionTerminated = new ExecutionTerminatedEvent { Input = output, Recurse = recursive } });
        var children = instance.Children().ToList();
        End(instance, new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now,
            ExecutionCompleted = new ExecutionCompletedEvent { WorkflowStatus = OrchestrationStatus.Terminated, Result = output },
        }, b);
        if (!recursive)
            return;
        foreach (var child in children)
        {
            if (_instances.TryGetValue(child, out var c))
                Terminate(c, output, recursive, b);
        }
    }

    /// <summary>Closes the execution with its ExecutionCompleted event and reports to the parent, if any.</summary>
    private void End(InstanceRecord instance, HistoryEvent completedEvent, Batch b)
    {
        var state = instance.State;
        state.OldEvents.Add(completedEvent);
        state.NewEvents.Clear();
        state.CompletedEvent = completedEvent.ExecutionCompleted;
        state.CompletedTime = Now;
        state.IsSuspended = false;
        instance.TurnToken = null;
        b.Changed.Add(instance);

        var parentInfo = state.StartEvent.ParentInstance;
        if (parentInfo?.WorkflowInstance is null)
            return;
        var done = state.CompletedEvent;
        var report = new HistoryEvent { EventId = -1, Timestamp = Now };
        if (done.WorkflowStatus == OrchestrationStatus.Completed)
        {
            report.ChildWorkflowInstanceCompleted = new ChildWorkflowInstanceCompletedEvent { TaskScheduledId = parentInfo.TaskScheduledId, Result = done.Result };
        }
        else
        {
            report.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
            {
                TaskScheduledId = parentInfo.TaskScheduledId,
                FailureDetails = done.FailureDetails ?? new TaskFailureDetails
                {
                    ErrorType = done.WorkflowStatus.ToString(),
                    ErrorMessage = $"child workflow '{instance.Id}' ended with status {done.WorkflowStatus}",
                },
            };
        }
        ReportToParent(parentInfo, report, b);
    }

    private void ReportToParent(ParentInstanceInfo parentInfo, HistoryEvent report, Batch b)
    {
        if (IsRemote(parentInfo.AppID))
        {
            ForwardToParent(parentInfo, report, b);
            return;
        }
        if (_instances.TryGetValue(parentInfo.WorkflowInstance.InstanceId, out var parent) && parent.ExecutionId == parentInfo.WorkflowInstance.ExecutionId)
            AddToInbox(parent, report, b);
    }
}
