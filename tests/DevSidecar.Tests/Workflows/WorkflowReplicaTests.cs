using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// Two replicas of one workflow app in one <see cref="SidecarCluster"/>, over one actor state store: they share one
/// workflow engine, so each instance runs once, its work going to whichever replica's worker is connected.
/// </summary>
public sealed class WorkflowReplicaTests
{
    private const int Workflows = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_replicas_run_each_activity_of_each_workflow_exactly_once()
    {
        await using var replicas = await Replicas.StartAsync();
        var ids = Enumerable.Range(1, Workflows).Select(i => $"w{i}").ToList();

        foreach (var id in ids)
            await replicas.AppA.Client.ScheduleNewWorkflowAsync(nameof(TaggedChainWorkflow), id, id);
        foreach (var id in ids)
        {
            var state = await CompletionAsync(replicas.AppB, id);
            Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.Equal($"{id}.1-{id}.2-{id}.3", state.ReadOutputAs<string>());
        }

        foreach (var id in ids)
        {
            for (var step = 1; step <= 3; step++)
                Assert.Equal(1, replicas.ProbeA.Count($"append:{id}.{step}") + replicas.ProbeB.Count($"append:{id}.{step}"));
        }
        var ranOnA = ids.Sum(id => Enumerable.Range(1, 3).Sum(step => replicas.ProbeA.Count($"append:{id}.{step}")));
        Assert.InRange(ranOnA, 1, Workflows * 3 - 1); // both replicas' workers took work
    }

    [Fact]
    public async Task Workflows_in_flight_on_a_stopped_replica_finish_on_the_other()
    {
        await using var replicas = await Replicas.StartAsync();
        var ids = Enumerable.Range(1, 10).Select(i => $"g{i}").ToList();
        foreach (var id in ids)
            await replicas.AppA.Client.ScheduleNewWorkflowAsync(nameof(GatedChainWorkflow), id, id);

        // Replica A's worker is inside a gated activity: stop its sidecar, then let its app go.
        await replicas.ProbeA.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await replicas.StopAAsync();
        replicas.ProbeB.Gate.TrySetResult();

        foreach (var id in ids)
        {
            var state = await CompletionAsync(replicas.AppB, id);
            Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.Equal($"{id}1-gated-{id}3", state.ReadOutputAs<string>());
        }
        // What A had in flight when it stopped was handed to B and ran again there (at least once, as in daprd).
        Assert.True(replicas.ProbeA.Count("gated") + replicas.ProbeB.Count("gated") > ids.Count);
    }

    private static async Task<WorkflowState> CompletionAsync(WorkflowApp app, string id)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        return await app.Client.WaitForWorkflowCompletionAsync(id, cancellation: deadline.Token);
    }

    /// <summary>Sidecars A and B for app id "orders" over one resources folder, each with its own app and probe.</summary>
    private sealed class Replicas : IAsyncDisposable
    {
        private readonly TempDir _dir = new();
        private readonly SidecarCluster _cluster = new();
        private Sidecar? _sidecarA;
        private Sidecar _sidecarB = null!;
        private WorkflowApp? _appA;

        public WorkflowApp AppA => _appA!;

        public WorkflowApp AppB { get; private set; } = null!;

        public Probe ProbeA { get; } = new("a");

        public Probe ProbeB { get; } = new("b");

        public static async Task<Replicas> StartAsync()
        {
            var replicas = new Replicas();
            await File.WriteAllTextAsync(replicas._dir.File("state.yaml"), WorkflowHarness.ActorStore["state.yaml"], Ct);
            var options = new SidecarOptions { AppId = "orders", ResourcesPaths = [replicas._dir.Path] };
            replicas._sidecarA = await Sidecar.StartAsync(options, replicas._cluster, cancellationToken: Ct);
            replicas._sidecarB = await Sidecar.StartAsync(options, replicas._cluster, cancellationToken: Ct);
            replicas._appA = await WorkflowApp.StartAsync(replicas._sidecarA, replicas.ProbeA, Ct);
            replicas.AppB = await WorkflowApp.StartAsync(replicas._sidecarB, replicas.ProbeB, Ct);
            // Both replicas' workers listen before anything is scheduled, or the first one could take every work item.
            await replicas._cluster.Workflows.Find("orders")!.Queue.WaitForStreamsAsync(2, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
            return replicas;
        }

        /// <summary>Replica A goes away: its sidecar stops (work it handed out goes back to the queue), then its app.</summary>
        public async Task StopAAsync()
        {
            await _sidecarA!.DisposeAsync();
            _sidecarA = null;
            ProbeA.Gate.TrySetResult();
            await _appA!.DisposeAsync();
            _appA = null;
        }

        public async ValueTask DisposeAsync()
        {
            ProbeA.Gate.TrySetResult();
            ProbeB.Gate.TrySetResult();
            if (_appA is not null)
                await _appA.DisposeAsync();
            await AppB.DisposeAsync();
            if (_sidecarA is not null)
                await _sidecarA.DisposeAsync();
            await _sidecarB.DisposeAsync();
            await _cluster.DisposeAsync();
            _dir.Dispose();
        }
    }
}
