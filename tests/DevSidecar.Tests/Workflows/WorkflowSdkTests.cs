using Dapr.Workflow;
using Dapr.Workflow.Client;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>The official Dapr.Workflow SDK (worker and DaprWorkflowClient) against the dev sidecar's engine.</summary>
public sealed class WorkflowSdkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task Chain_of_activities_passes_each_result_to_the_next(string store)
    {
        await using var h = await WorkflowHarness.StartAsync(store: store);

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(ChainWorkflow), "chain-1", "start");
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("start-a-b-c", state.ReadOutputAs<string>());
        Assert.Equal(1, h.Probe.Count("append:a"));
        Assert.Equal(1, h.Probe.Count("append:c"));
    }

    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task Fan_out_fan_in_sums_parallel_activities(string store)
    {
        await using var h = await WorkflowHarness.StartAsync(store: store);

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), "fan-1", 10);
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(385, state.ReadOutputAs<int>());
    }

    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task Child_workflow_result_returns_to_the_parent(string store)
    {
        await using var h = await WorkflowHarness.StartAsync(store: store);

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(ParentWorkflow), "parent-1", "x");
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("child said x-a-b-c", state.ReadOutputAs<string>());
        var child = await h.Client.GetWorkflowStateAsync("parent-1-child", cancellation: Ct);
        Assert.Equal(WorkflowRuntimeStatus.Completed, child.RuntimeStatus);
    }

    [Fact]
    public async Task Child_workflow_failure_reaches_the_parent_as_a_task_failure()
    {
        await using var h = await WorkflowHarness.StartAsync();

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(SupervisorWorkflow), "sup-1", new[] { nameof(FailingWorkflow), "deep" });
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Contains("broken on purpose: deep", state.ReadOutputAs<string>());
        Assert.Equal(WorkflowRuntimeStatus.Failed, (await h.Client.GetWorkflowStateAsync("sup-1-child", cancellation: Ct)).RuntimeStatus);
    }

    [Fact]
    public async Task Terminating_a_parent_terminates_its_running_child()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(SupervisorWorkflow), "sup-2", new[] { nameof(WaitForGoWorkflow), "x" });
        await h.UntilAsync("sup-2-child", s => s.RuntimeStatus == WorkflowRuntimeStatus.Running);

        await h.Client.TerminateWorkflowAsync(id, "enough", Ct);

        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await h.CompletionAsync(id)).RuntimeStatus);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await h.CompletionAsync("sup-2-child")).RuntimeStatus);
    }

    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task External_event_raised_in_time_is_received(string store)
    {
        await using var h = await WorkflowHarness.StartAsync(store: store);

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), "approve-1", 30.0);
        await h.Client.WaitForWorkflowStartAsync(id, cancellation: Ct);
        await h.Client.RaiseEventAsync(id, "approval", true, Ct);
        var state = await h.CompletionAsync(id);

        Assert.Equal("approved", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task External_event_wait_times_out_on_its_durable_timer()
    {
        await using var h = await WorkflowHarness.StartAsync();

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), "approve-2", 0.5);
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("timed out", state.ReadOutputAs<string>());
    }

    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task Durable_timer_fires_no_earlier_than_asked(string store)
    {
        await using var h = await WorkflowHarness.StartAsync(store: store);
        var started = DateTime.UtcNow;

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(TimerWorkflow), "timer-1", 700);
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(700));
        Assert.True(state.ReadOutputAs<double>() >= 700, $"workflow clock moved {state.ReadOutputAs<double>()} ms");
    }

    [Fact]
    public async Task Retry_policy_succeeds_on_the_third_attempt()
    {
        await using var h = await WorkflowHarness.StartAsync();

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(RetryWorkflow), "retry-1", "k1");
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(3, state.ReadOutputAs<int>());
        Assert.Equal(3, h.Probe.Count("flaky:k1"));
    }

    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task Failed_activity_is_caught_and_compensated(string store)
    {
        await using var h = await WorkflowHarness.StartAsync(store: store);

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(CompensationWorkflow), "saga-1", "o1");
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("compensated: card declined", state.ReadOutputAs<string>());
        Assert.Equal(["reserve o1", "charge o1", "release reservation-o1"], h.Probe.Log.ToArray());
    }

    [Fact]
    public async Task Unhandled_exception_fails_the_workflow_with_its_details()
    {
        await using var h = await WorkflowHarness.StartAsync();

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(FailingWorkflow), "fail-1", "boom");
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.NotNull(state.FailureDetails);
        Assert.Equal("broken on purpose: boom", state.FailureDetails!.ErrorMessage);
        Assert.Equal(typeof(InvalidOperationException).FullName, state.FailureDetails.ErrorType);
    }

    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task Terminate_ends_a_waiting_workflow(string store)
    {
        await using var h = await WorkflowHarness.StartAsync(store: store);

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(WaitForGoWorkflow), "term-1", "x");
        await h.Client.WaitForWorkflowStartAsync(id, cancellation: Ct);
        await h.Client.TerminateWorkflowAsync(id, "stopped", Ct);
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Terminated, state.RuntimeStatus);
        Assert.Equal("stopped", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Suspended_workflow_holds_events_until_resumed()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(WaitForGoWorkflow), "pause-1", "x");
        await h.UntilAsync(id, s => s.RuntimeStatus == WorkflowRuntimeStatus.Running);

        await h.Client.SuspendWorkflowAsync(id, "hold", Ct);
        await h.Client.RaiseEventAsync(id, "go", "later", Ct);
        var suspended = await h.Client.GetWorkflowStateAsync(id, cancellation: Ct);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, suspended.RuntimeStatus);

        await h.Client.ResumeWorkflowAsync(id, "go on", Ct);
        var state = await h.CompletionAsync(id);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("later", state.ReadOutputAs<string>());
        var history = (await h.Client.GetInstanceHistoryAsync(id, Ct)).Select(e => e.EventType).ToList();
        var suspendedAt = history.IndexOf(WorkflowHistoryEventType.ExecutionSuspended);
        Assert.True(suspendedAt >= 0 && suspendedAt < history.IndexOf(WorkflowHistoryEventType.EventRaised));
        Assert.True(history.IndexOf(WorkflowHistoryEventType.EventRaised) < history.IndexOf(WorkflowHistoryEventType.ExecutionResumed));
    }

    [Fact]
    public async Task Purge_removes_a_finished_instance_and_refuses_a_running_one()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var done = await h.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), "purge-1", 2);
        await h.CompletionAsync(done);
        var running = await h.Client.ScheduleNewWorkflowAsync(nameof(WaitForGoWorkflow), "purge-2", "x");
        await h.Client.WaitForWorkflowStartAsync(running, cancellation: Ct);

        Assert.True(await h.Client.PurgeInstanceAsync(done, Ct));
        Assert.False((await h.Client.GetWorkflowStateAsync(done, cancellation: Ct))?.Exists ?? false);
        Assert.False(await h.Client.PurgeInstanceAsync(done, Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => h.Client.PurgeInstanceAsync(running, Ct));
        Assert.True((await h.Client.GetWorkflowStateAsync(running, cancellation: Ct)).Exists);
    }

    [Fact]
    public async Task Continue_as_new_restarts_with_the_new_input_until_done()
    {
        await using var h = await WorkflowHarness.StartAsync();

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(CountUpWorkflow), "count-1", 0);
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(3, state.ReadOutputAs<int>());
        Assert.Equal(3, state.ReadInputAs<int>());
    }

    [Fact]
    public async Task Custom_status_is_visible_while_running_and_after()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(StatusWorkflow), "status-1", "x");

        var waiting = await h.UntilAsync(id, s => s.ReadCustomStatusAs<StepStatus>()?.Step == "waiting");
        Assert.Equal(WorkflowRuntimeStatus.Running, waiting.RuntimeStatus);
        await h.Client.RaiseEventAsync(id, "next", "finished", Ct);
        var state = await h.CompletionAsync(id);

        Assert.Equal("done", state.ReadCustomStatusAs<StepStatus>()?.Step);
        Assert.Equal("finished", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Starting_an_id_that_is_still_running_is_refused()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(WaitForGoWorkflow), "dup-1", "x");
        await h.Client.WaitForWorkflowStartAsync(id, cancellation: Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => h.Client.ScheduleNewWorkflowAsync(nameof(WaitForGoWorkflow), "dup-1", "y"));
    }

    [Fact]
    public async Task Instance_ids_and_history_are_listed()
    {
        await using var h = await WorkflowHarness.StartAsync();
        await h.CompletionAsync(await h.Client.ScheduleNewWorkflowAsync(nameof(ChainWorkflow), "list-1", "s"));
        await h.CompletionAsync(await h.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), "list-2", 1));

        var first = await h.Client.ListInstanceIdsAsync(pageSize: 1, cancellation: Ct);
        var second = await h.Client.ListInstanceIdsAsync(first.ContinuationToken, 1, Ct);
        var history = await h.Client.GetInstanceHistoryAsync("list-1", Ct);

        Assert.Equal(["list-1", "list-2"], first.InstanceIds.Concat(second.InstanceIds).Order());
        Assert.Null(second.ContinuationToken);
        Assert.Equal(3, history.Count(e => e.EventType == WorkflowHistoryEventType.TaskScheduled));
        Assert.Equal(3, history.Count(e => e.EventType == WorkflowHistoryEventType.TaskCompleted));
    }

    [Fact]
    public async Task Scheduled_start_stays_pending_until_its_time()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var startAt = DateTimeOffset.UtcNow.AddSeconds(1);

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), "later-1", 2, startAt, Ct);
        var pending = await h.Client.GetWorkflowStateAsync(id, cancellation: Ct);
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Pending, pending.RuntimeStatus);
        Assert.Equal(5, state.ReadOutputAs<int>());
        Assert.True(DateTimeOffset.UtcNow >= startAt);
    }

    private sealed record StepStatus(string Step);
}
