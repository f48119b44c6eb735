using Dapr.Workflow;
using Grpc.Core;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>DAPR_API_TOKEN guards TaskHubSidecarService like every other sidecar API.</summary>
public sealed class WorkflowApiTokenTests
{
    [Fact]
    public async Task Worker_and_client_with_the_token_run_workflows_and_a_client_without_it_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dapr = await TestSidecar.StartAsync(WorkflowHarness.ActorStore, "orders", configure: o => o with { ApiToken = "s3cret" });
        await using var app = await WorkflowApp.StartAsync(dapr.Sidecar, new Probe(), ct, apiToken: "s3cret");
        await using var intruder = await WorkflowApp.StartAsync(dapr.Sidecar, new Probe(), ct);

        var id = await app.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), "token-1", 3);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        var state = await app.Client.WaitForWorkflowCompletionAsync(id, cancellation: deadline.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => intruder.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), "token-2", 3));

        Assert.Equal(14, state.ReadOutputAs<int>());
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }
}
