using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.Testing;

/// <summary>
/// Real dev sidecars (tools/DevSidecar) in one in-process cluster, each with an in-memory state store and the repo's
/// own <c>components/local/config.yaml</c> (access control, tracing) — the apps' invocation path as it runs locally.
/// </summary>
public sealed class DevSidecars : IAsyncDisposable
{
    private readonly string _resources = Directory.CreateTempSubdirectory("shop-sidecars-").FullName;
    private readonly List<Sidecar> _sidecars = [];

    /// <param name="resources">More resource files (name → YAML) beside the in-memory state store.</param>
    public DevSidecars(IReadOnlyDictionary<string, string>? resources = null)
    {
        foreach (var (name, yaml) in resources ?? new Dictionary<string, string>())
            File.WriteAllText(Path.Combine(_resources, name), yaml);
        File.WriteAllText(Path.Combine(_resources, "statestore.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.in-memory
              version: v1
              metadata: []
            """);
    }

    public SidecarCluster Cluster { get; } = new();

    public string ResourcesPath => _resources;

    /// <summary>Whether the dev sidecar implements a component type yet (features land on main one by one).</summary>
    public static bool Supports(string componentType) => ShopDapr.DevSidecar.Components.ComponentCatalog.KnowsType(componentType);

    public static string RepoConfig { get; } = Path.Combine(RepoRoot(), "components", "local", "config.yaml");

    public async Task<Sidecar> StartAsync(string appId, HttpMessageHandler? app = null, string? apiToken = null, string? appApiToken = null, CancellationToken cancellationToken = default)
    {
        var sidecar = await Sidecar.StartAsync(new SidecarOptions
        {
            AppId = appId,
            ResourcesPaths = [_resources],
            ConfigFile = RepoConfig,
            AppChannel = app is null ? null : AppChannelOptions.FromHandler(app),
            ApiToken = apiToken,
            AppApiToken = appApiToken,
        }, Cluster, cancellationToken: cancellationToken);
        _sidecars.Add(sidecar);
        return sidecar;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sidecar in _sidecars)
            await sidecar.DisposeAsync();
        await Cluster.DisposeAsync();
        Directory.Delete(_resources, recursive: true);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ShopDapr.sln")))
                return dir.FullName;
        throw new InvalidOperationException("ShopDapr.sln not found above " + AppContext.BaseDirectory);
    }
}
