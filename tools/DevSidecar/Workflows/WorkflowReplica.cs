using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>This sidecar's place in its app's shared <see cref="WorkflowEngine"/>: joins on start, leaves on stop.</summary>
internal sealed class WorkflowReplica(SidecarContext sidecar, SidecarConfiguration config, ILoggerFactory logs) : IHostedService
{
    private WorkflowEngine? _engine;

    public WorkflowEngine Engine => _engine ?? throw new InvalidOperationException($"the workflow engine of '{sidecar.AppId}' is not started");

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _engine = await sidecar.Cluster.Workflows.AcquireAsync(sidecar, config, logs, cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_engine is not null)
            await sidecar.Cluster.Workflows.ReleaseAsync(sidecar.AppId, logs);
    }
}
