using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// The workflow app as a real process killed with SIGKILL in the middle of an activity, while its sidecar keeps running
/// over a state.sqlite actor store: when the app comes back, the sidecar hands it the unfinished activity again and the
/// instance completes without re-running what had finished.
/// </summary>
public sealed class WorkflowAppKillTests
{
    private const string Workflow = "ProbeChainWorkflow";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workflow_completes_after_its_app_is_killed_mid_activity_and_restarted_without_rerunning_finished_activities()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("state.yaml"),
            Yaml.Component("statestore", "state.sqlite", ("connectionString", dir.File("actors.db")), ("actorStateStore", "true")), Ct);
        var log = new ProbeLog(dir.File("activities.log"));
        var gate = dir.File("gate");
        await using var cluster = new SidecarCluster();
        await using var sidecar = await Sidecar.StartAsync(new SidecarOptions { AppId = "probe", ResourcesPaths = [dir.Path] }, cluster, cancellationToken: Ct);
        using var clientHost = ProbeAppProcess.ClientFor(sidecar);
        var client = clientHost.Services.GetRequiredService<DaprWorkflowClient>();

        int killedPid;
        await using (var first = ProbeAppProcess.Start(sidecar, log, gate))
        {
            killedPid = first.Id;
            await client.ScheduleNewWorkflowAsync(Workflow, "kill-1", "k");
            await log.UntilAsync(l => l.Lines("gated-start").Count == 1, first, TimeSpan.FromSeconds(60), "the second activity to start");
            await first.KillHardAsync(Ct);

            Assert.Equal(128 + 9, first.ExitCode);
        }
        Assert.Single(log.Lines("first"));
        await File.WriteAllTextAsync(gate, "open", Ct);

        await using var second = ProbeAppProcess.Start(sidecar, log, gate);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        WorkflowState state;
        try
        {
            state = await client.WaitForWorkflowCompletionAsync("kill-1", cancellation: deadline.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"kill-1 did not complete within 60 s of the restart\nlog:\n{string.Join('\n', log.Lines())}\napp:\n{second.Output}");
            throw;
        }

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("k-first-gated-last", state.ReadOutputAs<string>());
        Assert.Equal($"first k pid={killedPid}", Assert.Single(log.Lines("first")));
        Assert.Equal(new[] { $"gated-start k-first pid={killedPid}", $"gated-start k-first pid={second.Id}" }, log.Lines("gated-start"));
        Assert.Equal($"gated-end k-first pid={second.Id}", Assert.Single(log.Lines("gated-end")));
        Assert.Equal($"last k-first-gated pid={second.Id}", Assert.Single(log.Lines("last")));
    }
}
