using Dapr.Workflow;
using ShopDapr.DevSidecar.Workflows;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// The Configuration's <c>spec.workflow.stateRetentionPolicy</c>: finished instances are purged once their status's
/// retention has passed (a status's own duration before <c>anyTerminal</c>), and no finished instance stays in the
/// engine's memory: until purged it is read from the store.
/// </summary>
public sealed class WorkflowRetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Configuration(string policy) =>
        $"apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: retention\nspec:\n  workflow:\n    stateRetentionPolicy:\n{policy}";

    [Fact]
    public async Task Finished_instances_leave_memory_and_are_purged_when_their_status_retention_has_passed()
    {
        var resources = new Dictionary<string, string>(WorkflowHarness.ActorStore)
        {
            ["config.yaml"] = Configuration("      anyTerminal: 0s\n      completed: 1s\n      failed: 1h\n"),
        };
        await using var dapr = await TestSidecar.StartAsync(resources, "orders");
        await using var app = await WorkflowApp.StartAsync(dapr.Sidecar, new Probe(), Ct);
        var engine = dapr.Sidecar.Context.Cluster.Workflows.Find("orders")!;

        string[] completed = ["r-done-1", "r-done-2", "r-done-3"];
        foreach (var id in completed)
            await app.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), id, 3);
        await app.Client.ScheduleNewWorkflowAsync(nameof(FailingWorkflow), "r-failed", "x");
        await app.Client.WaitForWorkflowStartAsync(await app.Client.ScheduleNewWorkflowAsync(nameof(WaitForGoWorkflow), "r-terminated", "x"), cancellation: Ct);
        await app.Client.TerminateWorkflowAsync("r-terminated", cancellation: Ct); // returns once saved (then purged at once)
        foreach (var id in completed.Append("r-failed"))
            await WithDeadline(t => app.Client.WaitForWorkflowCompletionAsync(id, cancellation: t));

        Assert.Equal(0, engine.InstancesInMemory);
        await WithDeadline(async t =>
        {
            foreach (var id in completed.Append("r-terminated"))
            {
                while ((await app.Client.GetWorkflowStateAsync(id, cancellation: t)).Exists)
                    await Task.Delay(50, t);
            }
            return true;
        });
        var failed = await app.Client.GetWorkflowStateAsync("r-failed", cancellation: Ct);
        Assert.True(failed.Exists);
        Assert.Equal(WorkflowRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.NotEmpty(await app.Client.GetInstanceHistoryAsync("r-failed", Ct));
        Assert.Equal(1, engine.PurgesPending);
        Assert.Equal(0, engine.InstancesInMemory);
    }

    [Fact]
    public async Task Without_a_policy_a_finished_instance_stays_in_the_store_and_not_in_memory()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var engine = h.Dapr.Sidecar.Context.Cluster.Workflows.Find("orders")!;
        await h.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), "kept", 3);
        await h.Client.WaitForWorkflowStartAsync(await h.Client.ScheduleNewWorkflowAsync(nameof(WaitForGoWorkflow), "running", "x"), cancellation: Ct);

        var done = await h.CompletionAsync("kept");

        Assert.Equal(WorkflowRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(1, engine.InstancesInMemory); // the one still running
        Assert.Equal(0, engine.PurgesPending);
        var again = await h.Client.GetWorkflowStateAsync("kept", cancellation: Ct);
        Assert.Equal((true, 1 + 4 + 9), (again.Exists, again.ReadOutputAs<int>()));
        await h.Client.RaiseEventAsync("kept", "go", "late", Ct); // a finished instance takes an event and ignores it
        await h.Client.PurgeInstanceAsync("kept", cancellation: Ct);
        Assert.False((await h.Client.GetWorkflowStateAsync("kept", cancellation: Ct)).Exists);
    }

    private static async Task<T> WithDeadline<T>(Func<CancellationToken, Task<T>> wait)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        return await wait(deadline.Token);
    }
}
