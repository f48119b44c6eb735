using Microsoft.Extensions.Primitives;
using ShopDapr.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;

namespace ShopDapr.Gateway.Routing;

/// <summary>
/// YARP routes for <see cref="PublicRoutes"/> (the API and the web app's pages), all sent to the gateway's own Dapr sidecar (its HTTP endpoint), which
/// invokes the app named by the <c>dapr-app-id</c> header with the path unchanged — so access control,
/// resiliency and tracing of Dapr apply to every public call.
/// </summary>
internal sealed class SidecarProxyConfigProvider(IConfiguration configuration) : IProxyConfigProvider
{
    public const string ClusterId = "dapr-sidecar";
    public const string AppIdMetadata = "dapr-app-id";

    private readonly Lazy<IProxyConfig> _config = new(() => Build(DaprEndpoints.Http(configuration)));

    public IProxyConfig GetConfig() => _config.Value;

    private static StaticProxyConfig Build(string sidecar)
    {
        var routes = PublicRoutes.AppByPrefix.Select(r => new RouteConfig
        {
            RouteId = $"api-{r.Key}",
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = $"/api/{r.Key}/{{**rest}}" },
            Metadata = new Dictionary<string, string> { [AppIdMetadata] = r.Value },
        }).ToList();
        routes.AddRange(PublicRoutes.WebRoots.Select(root => new RouteConfig
        {
            RouteId = $"web-{root}",
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = $"/{root}/{{**rest}}" },
            Metadata = new Dictionary<string, string> { [AppIdMetadata] = ShopNames.AppIds.Web },
        }));
        var cluster = new ClusterConfig
        {
            ClusterId = ClusterId,
            Destinations = new Dictionary<string, DestinationConfig> { ["sidecar"] = new() { Address = sidecar } },
            HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) },
        };
        return new StaticProxyConfig(routes, [cluster]);
    }

    private sealed class StaticProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes => routes;
        public IReadOnlyList<ClusterConfig> Clusters => clusters;
        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(CancellationToken.None);
    }
}
