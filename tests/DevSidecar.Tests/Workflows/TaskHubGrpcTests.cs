using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>TaskHubSidecarService at the gRPC level, for what DaprWorkflowClient does not expose.</summary>
public sealed class TaskHubGrpcTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Purge_by_filter_removes_only_finished_instances_in_the_given_statuses()
    {
        await using var h = await WorkflowHarness.StartAsync();
        using var channel = GrpcChannel.ForAddress(h.Dapr.Sidecar.GrpcEndpoint);
        var hub = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        await h.CompletionAsync(await h.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), "f-done", 1));
        await h.CompletionAsync(await h.Client.ScheduleNewWorkflowAsync(nameof(FailingWorkflow), "f-failed", "x"));
        await h.Client.WaitForWorkflowStartAsync(await h.Client.ScheduleNewWorkflowAsync(nameof(WaitForGoWorkflow), "f-running", "x"), cancellation: Ct);

        var filter = new PurgeInstanceFilter();
        filter.RuntimeStatus.Add(OrchestrationStatus.Completed);
        filter.RuntimeStatus.Add(OrchestrationStatus.Running);
        var purged = await hub.PurgeInstancesAsync(new PurgeInstancesRequest { PurgeInstanceFilter = filter }, cancellationToken: Ct);

        Assert.Equal(1, purged.DeletedInstanceCount);
        var left = await hub.ListInstanceIDsAsync(new ListInstanceIDsRequest(), cancellationToken: Ct);
        Assert.Equal(["f-failed", "f-running"], left.InstanceIds.Order());
    }

    [Fact]
    public async Task Unknown_instances_answer_not_found_or_not_exists()
    {
        await using var h = await WorkflowHarness.StartAsync();
        using var channel = GrpcChannel.ForAddress(h.Dapr.Sidecar.GrpcEndpoint);
        var hub = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);

        var raise = await Assert.ThrowsAsync<RpcException>(async () =>
            await hub.RaiseEventAsync(new RaiseEventRequest { InstanceId = "ghost", Name = "e" }, cancellationToken: Ct));
        var get = await hub.GetInstanceAsync(new GetInstanceRequest { InstanceId = "ghost" }, cancellationToken: Ct);
        var wait = await hub.WaitForInstanceCompletionAsync(new GetInstanceRequest { InstanceId = "ghost" }, cancellationToken: Ct);

        Assert.Equal(StatusCode.NotFound, raise.StatusCode);
        Assert.False(get.Exists);
        Assert.False(wait.Exists);
    }

    [Fact]
    public async Task Start_over_a_running_instance_fails_and_over_a_finished_one_restarts_it()
    {
        await using var h = await WorkflowHarness.StartAsync();
        using var channel = GrpcChannel.ForAddress(h.Dapr.Sidecar.GrpcEndpoint);
        var hub = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        await hub.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "again", Name = nameof(WaitForGoWorkflow), Input = "\"x\"" }, cancellationToken: Ct);

        var running = await Assert.ThrowsAsync<RpcException>(async () =>
            await hub.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "again", Name = nameof(WaitForGoWorkflow) }, cancellationToken: Ct));
        Assert.Equal(StatusCode.FailedPrecondition, running.StatusCode);

        await h.Client.RaiseEventAsync("again", "go", "first", Ct);
        Assert.Equal("first", (await h.CompletionAsync("again")).ReadOutputAs<string>());
        await hub.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "again", Name = nameof(ChainWorkflow), Input = "\"s\"" }, cancellationToken: Ct);
        Assert.Equal("s-a-b-c", (await h.CompletionAsync("again")).ReadOutputAs<string>());
    }
}
