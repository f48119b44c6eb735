using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// Two replicas of one workflow app, each a real process behind its own sidecar over one state.sqlite actor store: the
/// replica running an activity is killed with SIGKILL while both sidecars keep running. Its worker stream breaks, the
/// activity goes back to the app's queue, and the survivor runs it and the rest of the instance.
/// </summary>
public sealed class WorkflowReplicaKillTests
{
    private const string Workflow = "ProbeChainWorkflow";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kill_9_of_the_replica_running_an_activity_resumes_the_workflow_on_the_survivor()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("state.yaml"),
            Yaml.Component("statestore", "state.sqlite", ("connectionString", dir.File("actors.db")), ("actorStateStore", "true")), Ct);
        var log = new ProbeLog(dir.File("activities.log"));
        var gate = dir.File("gate");
        await using var cluster = new SidecarCluster();
        var options = new SidecarOptions { AppId = "probe", ResourcesPaths = [dir.Path] };
        await using var sidecar1 = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        await using var sidecar2 = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        await using var app1 = ProbeAppProcess.Start(sidecar1, log, gate);
        await using var app2 = ProbeAppProcess.Start(sidecar2, log, gate);
        await cluster.Workflows.Find("probe")!.Queue.WaitForStreamsAsync(2, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        using var clientHost = ProbeAppProcess.ClientFor(sidecar1);
        var client = clientHost.Services.GetRequiredService<DaprWorkflowClient>();

        await client.ScheduleNewWorkflowAsync(Workflow, "replica-kill-1", "k");
        await log.UntilAsync(l => l.Lines("gated-start").Count == 1, app1, TimeSpan.FromSeconds(60), "the gated activity to start on a replica");
        var runningPid = Pid(log.Lines("gated-start")[0]);
        var (victim, survivor) = runningPid == app1.Id ? (app1, app2) : (app2, app1);
        Assert.Equal(runningPid, victim.Id);
        await victim.KillHardAsync(Ct);
        await File.WriteAllTextAsync(gate, "open", Ct);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var state = await client.WaitForWorkflowCompletionAsync("replica-kill-1", cancellation: deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("k-first-gated-last", state.ReadOutputAs<string>());
        Assert.Equal([victim.Id, survivor.Id], log.Lines("gated-start").Select(Pid));
        Assert.Equal(survivor.Id, Pid(Assert.Single(log.Lines("gated-end"))));
        Assert.Equal(survivor.Id, Pid(Assert.Single(log.Lines("last"))));
        Assert.Equal(2, cluster.Replicas("probe").Length); // both sidecars ran on: the work moved because the app died
    }

    private static int Pid(string line) => int.Parse(line[(line.LastIndexOf("pid=", StringComparison.Ordinal) + 4)..], System.Globalization.CultureInfo.InvariantCulture);
}
