namespace ShopDapr.DevSidecar.Hosting;

/// <summary>What one logical sidecar needs to know: whom it serves, where its resources are, where it listens.</summary>
public sealed record SidecarOptions
{
    public required string AppId { get; init; }

    /// <summary>Folders holding Component, Subscription, Resiliency and Configuration YAML, as daprd's --resources-path.</summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    /// <summary>
    /// The folder relative paths inside components resolve against (a SQLite file, a secrets file, a localstorage
    /// rootPath): daprd's working directory, which <c>dapr run -f</c> sets to the app's <c>appDirPath</c>. Null: the
    /// process's current directory.
    /// </summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>A Configuration file, as daprd's --config.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Where the sidecar calls the app back; null when the app has no port (client-only app).</summary>
    public AppChannelOptions? AppChannel { get; init; }

    /// <summary>
    /// A path the sidecar GETs on the app to judge its health (daprd's <c>--app-health-check-path</c>): 2xx is healthy. Null:
    /// the sidecar only checks that the app's port takes connections.
    /// </summary>
    public string? AppHealthCheckPath { get; init; }

    /// <summary>How often the app's health is probed (<see cref="AppHealthProbe"/>).</summary>
    public TimeSpan AppHealthProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one probe may take before it counts as a failure (daprd's default <c>--app-health-probe-timeout</c>).</summary>
    public TimeSpan AppHealthProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>0 picks a free port.</summary>
    public int HttpPort { get; init; }

    /// <summary>0 picks a free port.</summary>
    public int GrpcPort { get; init; }

    /// <summary>When set, every sidecar API demands it in the dapr-api-token header (DAPR_API_TOKEN).</summary>
    public string? ApiToken { get; init; }

    /// <summary>When set, sent to the app as dapr-api-token on every call back (APP_API_TOKEN).</summary>
    public string? AppApiToken { get; init; }
}

/// <summary>The app channel: a base URL, or an in-process handler such as WebApplicationFactory's.</summary>
public sealed record AppChannelOptions
{
    public Uri? BaseAddress { get; init; }
    public HttpMessageHandler? Handler { get; init; }

    public static AppChannelOptions FromUrl(Uri baseAddress) => new() { BaseAddress = baseAddress };

    public static AppChannelOptions FromPort(int port) => new() { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

    /// <summary>An in-process app, e.g. <c>WebApplicationFactory&lt;T&gt;.Server.CreateHandler()</c>.</summary>
    public static AppChannelOptions FromHandler(HttpMessageHandler handler) =>
        new() { Handler = handler, BaseAddress = new Uri("http://app.local") };
}
