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

    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>Cancelled when the app asks this sidecar to stop (POST /v1.0/shutdown, gRPC Shutdown); the sidecar then stops gracefully.</summary>
    public CancellationToken ShutdownRequested => _shutdown.Token;

    public void RequestShutdown() => _shutdown.Cancel();
}
