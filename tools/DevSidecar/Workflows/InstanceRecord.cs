using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// One workflow instance: the persisted <see cref="WorkflowRuntimeState"/> (history in <c>OldEvents</c>, the inbox of
/// events not yet shown to the workflow in <c>NewEvents</c>) plus what only lives in memory (the turn in flight).
/// </summary>
internal sealed class InstanceRecord(WorkflowRuntimeState state)
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WorkflowRuntimeState State { get; } = state;

    public string Id => State.InstanceId;

    public string Name => State.StartEvent.Name;

    public string ExecutionId => State.StartEvent.WorkflowInstance?.ExecutionId ?? "";

    /// <summary>The completion token of the orchestration turn a worker is running, or null.</summary>
    public string? TurnToken { get; set; }

    /// <summary>How many inbox events the turn in flight was given (they move to history when it completes).</summary>
    public int TurnEventCount { get; set; }

    /// <summary>The WorkflowStarted event that opened the turn in flight.</summary>
    public HistoryEvent? TurnStarted { get; set; }

    /// <summary>An orchestration ticket for this instance sits in the work queue.</summary>
    public bool TurnQueued { get; set; }

    public OrchestrationStatus Status =>
        State.CompletedEvent is { } done ? done.WorkflowStatus
        : State.IsSuspended ? OrchestrationStatus.Suspended
        : State.OldEvents.Count == 0 && !State.ContinuedAsNew ? OrchestrationStatus.Pending
        : OrchestrationStatus.Running;

    public bool IsTerminal => State.CompletedEvent is not null;

    /// <summary>Completes when the instance next changes; callers re-check their condition and wait again.</summary>
    public Task Changed => _changed.Task;

    public void Stamp(DateTimeOffset now) => State.LastUpdatedTime = Timestamp.FromDateTimeOffset(now);

    /// <summary>Wakes everyone waiting on <see cref="Changed"/> (after the change is saved).</summary>
    public void Notify() =>
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public bool CanRunTurn => !IsTerminal && !State.IsSuspended && TurnToken is null && State.NewEvents.Count > 0;

    /// <summary>Activities scheduled in history whose result is neither in history nor in the inbox.</summary>
    public IEnumerable<HistoryEvent> PendingActivities()
    {
        var done = CompletedIds(e => e.TaskCompleted?.TaskScheduledId ?? e.TaskFailed?.TaskScheduledId);
        return State.OldEvents.Where(e => e.TaskScheduled is not null && !done.Contains(e.EventId));
    }

    /// <summary>Timers created in history that have not fired.</summary>
    public IEnumerable<HistoryEvent> PendingTimers()
    {
        var fired = CompletedIds(e => e.TimerFired?.TimerId);
        return State.OldEvents.Where(e => e.TimerCreated is not null && !fired.Contains(e.EventId));
    }

    public bool IsActivityPending(int taskId) => PendingActivities().Any(e => e.EventId == taskId);

    public bool IsTimerPending(int timerId) => PendingTimers().Any(e => e.EventId == timerId);

    /// <summary>Child workflow instance ids this execution created.</summary>
    public IEnumerable<string> Children() =>
        State.OldEvents.Where(e => e.ChildWorkflowInstanceCreated is not null).Select(e => e.ChildWorkflowInstanceCreated.InstanceId);

    private HashSet<int> CompletedIds(Func<HistoryEvent, int?> id) =>
        State.OldEvents.Concat(State.NewEvents).Select(id).OfType<int>().ToHashSet();

    /// <summary>The state as the client sees it (GetInstance).</summary>
    public Dapr.DurableTask.Protobuf.WorkflowState ToWorkflowState(bool withPayloads)
    {
        var s = new Dapr.DurableTask.Protobuf.WorkflowState
        {
            InstanceId = Id,
            Name = Name,
            WorkflowStatus = Status,
            CreatedTimestamp = State.CreatedTime,
            LastUpdatedTimestamp = State.LastUpdatedTime ?? State.CreatedTime,
            ExecutionId = ExecutionId,
            CustomStatus = State.CustomStatus,
        };
        if (State.CompletedTime is { } completed)
            s.CompletedTimestamp = completed;
        if (State.StartEvent.ParentInstance?.WorkflowInstance?.InstanceId is { Length: > 0 } parent)
            s.ParentInstanceId = parent;
        if (State.CompletedEvent?.FailureDetails is { } failure)
            s.FailureDetails = failure;
        if (withPayloads)
        {
            s.Input = State.StartEvent.Input;
            s.Output = State.CompletedEvent?.Result;
        }
        return s;
    }
}
