using System.Net;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>The gateway in-process, its sidecar a stub that records what it is asked to invoke.</summary>
public sealed class GatewayFactory : ShopAppFactory<Program>
{
    public const string SidecarToken = "gateway-sidecar-token";

    private GatewayFactory(StubSidecar sidecar, int permits)
    {
        Sidecar = sidecar;
        Settings["DAPR_HTTP_ENDPOINT"] = sidecar.Endpoint.ToString();
        Settings["DAPR_API_TOKEN"] = SidecarToken;
        Settings["Gateway:RateLimitPermits"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateway:RateLimitWindow"] = "00:01:00";
        sidecar.Handler = (app, path) => path == "/openapi/v1.json"
            ? (HttpStatusCode.OK, $$$"""{"openapi":"3.1.1","info":{"title":"{{{app}}}","version":"v1"},"paths":{}}""")
            : (HttpStatusCode.OK, $$"""{"app":"{{app}}"}""");
    }

    public StubSidecar Sidecar { get; }

    public static async Task<GatewayFactory> StartAsync(CancellationToken cancellationToken, int permits = 1000) =>
        new(await StubSidecar.StartAsync(cancellationToken), permits);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Sidecar.DisposeAsync();
    }
}
