using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>
/// Sidecars of one process sharing a resources folder (so they share the actor state store), each app hosting actors
/// with the official runtime, plus sidecars of apps that only call. Disposes everything it started.
/// </summary>
public sealed class ActorCluster : IAsyncDisposable
{
    private readonly List<Sidecar> _sidecars = [];
    private readonly List<IAsyncDisposable> _apps = [];

    private readonly bool _ownsDir;

    public ActorCluster(bool actorStateStore = true, IReadOnlyDictionary<string, string>? resources = null, string store = State.StateStores.InMemory)
    {
        Dir = new TempDir();
        _ownsDir = true;
        var metadata = actorStateStore ? [("actorStateStore", "true")] : Array.Empty<(string, string)>();
        File.WriteAllText(Dir.File("statestore.yaml"), State.StateStores.Component("statestore", store, Dir, metadata));
        foreach (var (name, yaml) in resources ?? new Dictionary<string, string>())
            File.WriteAllText(Dir.File(name), yaml);
    }

    /// <summary>Over a resources folder the caller owns (and may reuse for a second cluster, as after a process restart).</summary>
    public ActorCluster(TempDir resources) => Dir = resources;

    public TempDir Dir { get; }

    public SidecarCluster Cluster { get; } = new();

    /// <summary>Starts a sidecar for <paramref name="appId"/> first, then its app (as a late app would), and connects them.</summary>
    public async Task<(Sidecar Sidecar, ActorTestApp App)> StartHostAsync(string appId, string replica, Action<ActorRuntimeOptions>? configure = null,
        DeferredAppHandler? line = null)
    {
        line ??= new DeferredAppHandler();
        var sidecar = await StartSidecarAsync(appId, new AppChannelOptions { Handler = line, BaseAddress = new Uri("http://app.local") });
        var app = await ActorTestApp.StartAsync(replica, sidecar.HttpEndpoint, configure);
        _apps.Add(app);
        line.Connect(app.Address);
        return (sidecar, app);
    }

    /// <summary>A sidecar for an app already listening at <paramref name="app"/>.</summary>
    public Task<Sidecar> StartSidecarForAsync(string appId, Uri app) => StartSidecarAsync(appId, AppChannelOptions.FromUrl(app));

    /// <summary>A sidecar for an app that hosts no actors and only calls them.</summary>
    public Task<Sidecar> StartCallerAsync(string appId = "caller") => StartSidecarAsync(appId, null);

    private async Task<Sidecar> StartSidecarAsync(string appId, AppChannelOptions? app)
    {
        var sidecar = await Sidecar.StartAsync(new SidecarOptions { AppId = appId, ResourcesPaths = [Dir.Path], AppChannel = app }, Cluster);
        _sidecars.Add(sidecar);
        return sidecar;
    }

    /// <summary>Stops and removes a sidecar (its actors move) and its app.</summary>
    public async Task StopAsync(Sidecar sidecar, ActorTestApp app)
    {
        _sidecars.Remove(sidecar);
        _apps.Remove(app);
        await sidecar.DisposeAsync();
        await app.DisposeAsync();
    }

    /// <summary>Stops an app but leaves its sidecar running, as when the app is killed: its port refuses connections.</summary>
    public async Task KillAppAsync(ActorTestApp app)
    {
        _apps.Remove(app);
        await app.DisposeAsync();
    }

    public static T Proxy<T>(Sidecar via, string actorType, string id) where T : IActor =>
        ActorProxy.Create<T>(new ActorId(id), actorType, new ActorProxyOptions { HttpEndpoint = via.HttpEndpoint.ToString().TrimEnd('/') });

    public static HttpClient Http(Sidecar via) => new() { BaseAddress = via.HttpEndpoint };

    public async ValueTask DisposeAsync()
    {
        // Sidecars first: stopping, they deactivate their actors in apps that are still listening.
        foreach (var sidecar in Enumerable.Reverse(_sidecars))
            await sidecar.DisposeAsync();
        foreach (var app in _apps)
            await app.DisposeAsync();
        await Cluster.DisposeAsync();
        if (_ownsDir)
            Dir.Dispose();
    }
}
