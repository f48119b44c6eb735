using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// Instances in flight survive a restart of sidecar and app: history lives in the actor state store. The in-memory
/// store is one instance per (file, name) in a <see cref="SidecarCluster"/>, so a new sidecar over the same
/// resources folder in the same cluster sees what the old one saved, as a sqlite file would across processes.
/// </summary>
public sealed class WorkflowDurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workflow_resumes_after_sidecar_and_app_restart_without_rerunning_completed_activities()
    {
        using var dir = new TempDir();
        await WriteResourcesAsync(dir);
        await using var cluster = new SidecarCluster();
        var probe = new Probe();
        var options = new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] };

        var sidecar = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        var app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        await app.Client.ScheduleNewWorkflowAsync(nameof(GatedChainWorkflow), "durable-1", "d");
        await probe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await app.DisposeAsync();
        await sidecar.DisposeAsync();

        probe.Gate.TrySetResult();
        sidecar = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        try
        {
            var state = await CompletionAsync(app, "durable-1");

            Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.Equal("d1-gated-d3", state.ReadOutputAs<string>());
            Assert.Equal(1, probe.Count("append:d1"));
            Assert.Equal(2, probe.Count("gated"));
            Assert.Equal(1, probe.Count("append:d3"));
        }
        finally
        {
            await app.DisposeAsync();
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task Workflow_survives_a_process_restart_over_the_same_sqlite_file()
    {
        using var dir = new TempDir();
        var db = dir.File("actors.db");
        await File.WriteAllTextAsync(dir.File("state.yaml"),
            Yaml.Component("statestore", "state.sqlite", ("connectionString", db), ("actorStateStore", "true")), Ct);
        var probe = new Probe();
        var options = new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] };

        // First "process": its own cluster, so its own sqlite connection; stopped mid-activity.
        await using (var first = new SidecarCluster())
        {
            var sidecar = await Sidecar.StartAsync(options, first, cancellationToken: Ct);
            var app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
            await app.Client.ScheduleNewWorkflowAsync(nameof(GatedChainWorkflow), "sqlite-1", "q");
            await probe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
            await app.DisposeAsync();
            await sidecar.DisposeAsync();
        }

        probe.Gate.TrySetResult();
        await using var second = new SidecarCluster();
        await using var restarted = await Sidecar.StartAsync(options, second, cancellationToken: Ct);
        await using var again = await WorkflowApp.StartAsync(restarted, probe, Ct);
        var state = await CompletionAsync(again, "sqlite-1");

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("q1-gated-q3", state.ReadOutputAs<string>());
        Assert.Equal(1, probe.Count("append:q1"));
        Assert.Equal(1, probe.Count("append:q3"));
    }

    [Fact]
    public async Task Pending_durable_timer_fires_after_restart()
    {
        using var dir = new TempDir();
        await WriteResourcesAsync(dir);
        await using var cluster = new SidecarCluster();
        var probe = new Probe();
        var options = new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] };
        var started = DateTime.UtcNow;

        var sidecar = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        var app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        await app.Client.ScheduleNewWorkflowAsync(nameof(TimerWorkflow), "durable-timer", 1500);
        await app.Client.WaitForWorkflowStartAsync("durable-timer", cancellation: Ct);
        await app.DisposeAsync();
        await sidecar.DisposeAsync();

        sidecar = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        try
        {
            var state = await CompletionAsync(app, "durable-timer");

            Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(1500));
        }
        finally
        {
            await app.DisposeAsync();
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task Running_app_reconnects_to_a_restarted_sidecar_and_finishes_its_workflow()
    {
        using var dir = new TempDir();
        await WriteResourcesAsync(dir);
        await using var cluster = new SidecarCluster();
        var probe = new Probe();
        var sidecar = await Sidecar.StartAsync(new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] }, cluster, cancellationToken: Ct);
        var options = new SidecarOptions
        {
            AppId = "orders",
            ResourcesPaths = [dir.Path],
            HttpPort = sidecar.HttpEndpoint.Port,
            GrpcPort = sidecar.GrpcEndpoint.Port,
        };
        await using var app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        await app.Client.ScheduleNewWorkflowAsync(nameof(GatedChainWorkflow), "reconnect-1", "r");
        await probe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        await sidecar.DisposeAsync();
        probe.Gate.TrySetResult();
        await using var restarted = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        var state = await CompletionAsync(app, "reconnect-1");

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("r1-gated-r3", state.ReadOutputAs<string>());
        Assert.Equal(1, probe.Count("append:r1"));
        Assert.Equal(1, probe.Count("append:r3"));
    }

    private static Task WriteResourcesAsync(TempDir dir) =>
        File.WriteAllTextAsync(dir.File("state.yaml"), WorkflowHarness.ActorStore["state.yaml"], Ct);

    /// <summary>
    /// Waits for completion. Right after a sidecar restart the client's pooled HTTP/2 connection to the old one may still
    /// take a call and then see the old server's GOAWAY; such a connection-level failure is retried within the deadline.
    /// </summary>
    private static async Task<WorkflowState> CompletionAsync(WorkflowApp app, string id)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return await app.Client.WaitForWorkflowCompletionAsync(id, cancellation: deadline.Token);
            }
            catch (global::Grpc.Core.RpcException e) when (e.InnerException is HttpRequestException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }
}
