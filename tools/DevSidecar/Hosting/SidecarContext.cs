using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Hosting;

/// <summary>What every API of one logical sidecar shares: its app, its resources and components, the process-wide cluster.</summary>
public sealed class SidecarContext(SidecarOptions options, ResourceSet resources, ComponentRegistry components, SidecarCluster cluster, AppChannel? app)
{
    public string AppId => Options.AppId;

    public SidecarOptions Options { get; } = options;

    public ResourceSet Resources { get; } = resources;

    public ComponentRegistry Components { get; } = components;

    public SidecarCluster Cluster { get; } = cluster;

    /// <summary>Null for an app with no port (it only calls out).</summary>
    public AppChannel? App { get; } = app;

    /// <summary>Set once Kestrel listens.</summary>
    public Uri HttpEndpoint { get; internal set; } = null!;

    public Uri GrpcEndpoint { get; internal set; } = null!;

    private readonly List<(string Name, Task Task)> _startupGates = [];

    /// <summary>
    /// Work the sidecar must finish before it reports ready on <c>/v1.0/healthz</c>, as daprd only reports healthy once the
    /// app channel is up and its subscriptions (and actor types) are loaded. Features add theirs while starting.
    /// </summary>
    public void AddStartupGate(string name, Task task)
    {
        lock (_startupGates)
            _startupGates.Add((name, task));
    }

    /// <summary>The names of the start-up gates still open; empty once the sidecar is ready.</summary>
    public IReadOnlyList<string> PendingStartup()
    {
        lock (_startupGates)
            return [.. _startupGates.Where(g => !g.Task.IsCompleted).Select(g => g.Name)];
    }

    /// <summary>Completes when every start-up gate is done.</summary>
    public Task Ready()
    {
        lock (_startupGates)
            return Task.WhenAll(_startupGates.Select(g => g.Task));
    }

    private readonly CancellationTokenSource _draining = new();

    /// <summary>Cancelled when a graceful stop begins: the sidecar takes no new work of its own (input bindings stop) while it drains.</summary>
    public CancellationToken Draining => _draining.Token;

    public void BeginDrain() => _draining.Cancel();

    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>Cancelled when the app asks this sidecar to stop (POST /v1.0/shutdown, gRPC Shutdown); the sidecar then stops gracefully.</summary>
    public CancellationToken ShutdownRequested => _shutdown.Token;

    public void RequestShutdown() => _shutdown.Cancel();
}
