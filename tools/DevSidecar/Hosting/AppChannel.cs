namespace ShopDapr.DevSidecar.Hosting;

/// <summary>The sidecar's line to its app: the HttpClient every call back (events, actors, bindings, invocation) uses.</summary>
public sealed class AppChannel : IDisposable
{
    public const string ApiTokenHeader = "dapr-api-token";

    public AppChannel(string appId, AppChannelOptions options, string? appApiToken)
    {
        AppId = appId;
        Options = options;
        Health = new AppHealth(appId);
        var handler = options.Handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 512,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        // The caller's own handler (an in-process app) is the caller's to dispose; the health wrapper around it is not disposed with the client then.
        Client = new HttpClient(new AppHealthHandler(Health, handler), disposeHandler: options.Handler is null)
        {
            BaseAddress = options.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (appApiToken is not null)
            Client.DefaultRequestHeaders.Add(ApiTokenHeader, appApiToken);
    }

    public string AppId { get; }

    public AppChannelOptions Options { get; }

    public HttpClient Client { get; }

    /// <summary>Whether the app takes calls; every call through <see cref="Client"/> reports to it.</summary>
    public AppHealth Health { get; }

    public void Dispose() => Client.Dispose();
}
