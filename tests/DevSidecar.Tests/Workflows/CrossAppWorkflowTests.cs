using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>Activities and child workflows routed to another app (TargetAppId) run on that app's workers only.</summary>
public sealed class CrossAppWorkflowTests
{
    [Fact]
    public async Task Activity_and_child_workflow_run_in_the_target_app()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new SidecarCluster();
        await using var orders = await TestSidecar.StartAsync(WorkflowHarness.ActorStore, "orders", cluster: cluster);
        await using var payments = await TestSidecar.StartAsync(WorkflowHarness.ActorStore, "payments", cluster: cluster);
        await using var ordersApp = await WorkflowApp.StartAsync(orders.Sidecar, new Probe("orders"), ct);
        await using var paymentsApp = await WorkflowApp.StartAsync(payments.Sidecar, new Probe("payments"), ct);

        var id = await ordersApp.Client.ScheduleNewWorkflowAsync(nameof(CrossAppWorkflow), "cross-1", "payments");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        var state = await ordersApp.Client.WaitForWorkflowCompletionAsync(id, cancellation: deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("activity in orders, activity in payments, child in payments", state.ReadOutputAs<string>());
        var child = await paymentsApp.Client.GetWorkflowStateAsync("cross-1-remote-child", cancellation: ct);
        Assert.Equal(WorkflowRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.False((await ordersApp.Client.GetWorkflowStateAsync("cross-1-remote-child", cancellation: ct))?.Exists ?? false);
    }

    [Fact]
    public async Task Activity_routed_to_an_app_without_a_sidecar_fails_the_task()
    {
        await using var h = await WorkflowHarness.StartAsync();

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(CrossAppWorkflow), "cross-2", "nobody");
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Contains("nobody", state.FailureDetails?.ErrorMessage);
    }
}
