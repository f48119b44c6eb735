namespace ShopDapr.DevSidecar.Hosting;

/// <summary>The sidecar's line to its app: the HttpClient every call back (events, actors, bindings, invocation) uses.</summary>
public sealed class AppChannel : IDisposable
{
    public const string ApiTokenHeader = "dapr-api-token";

    public AppChannel(string appId, AppChannelOptions options, string? appApiToken)
    {
        AppId = appId;
        var handler = options.Handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 512,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        Client = new HttpClient(handler, disposeHandler: options.Handler is null)
        {
            BaseAddress = options.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (appApiToken is not null)
            Client.DefaultRequestHeaders.Add(ApiTokenHeader, appApiToken);
    }

    public string AppId { get; }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
