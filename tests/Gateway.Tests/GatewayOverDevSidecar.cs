using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// The gateway in front of REAL dev sidecars, with a recording app standing in for cart: what the tests that exercise the
/// gateway's path through a sidecar (invocation, access control, resiliency) share. Extra resource files (a Resiliency)
/// go to every sidecar.
/// </summary>
public sealed class GatewayOverDevSidecar : IAsyncDisposable
{
    public const string SidecarToken = "gateway-dapr-api-token";

    private GatewayOverDevSidecar(DevSidecars sidecars, RecordingApp cart, GatewayApp gateway) =>
        (Sidecars, Cart, Gateway) = (sidecars, cart, gateway);

    public DevSidecars Sidecars { get; }

    public RecordingApp Cart { get; }

    public ShopAppFactory<Program> Gateway { get; }

    public static async Task<GatewayOverDevSidecar> StartAsync(CancellationToken ct, IReadOnlyDictionary<string, string>? resources = null)
    {
        var sidecars = new DevSidecars(resources);
        var cart = await RecordingApp.StartAsync(ct);
        await sidecars.StartAsync("cart", cart.CreateHandler(), cancellationToken: ct);
        var gatewaySidecar = await sidecars.StartAsync("gateway", apiToken: SidecarToken, cancellationToken: ct);
        var gateway = new GatewayApp();
        gateway.Settings["DAPR_HTTP_ENDPOINT"] = gatewaySidecar.HttpEndpoint.ToString();
        gateway.Settings["DAPR_API_TOKEN"] = SidecarToken;
        return new GatewayOverDevSidecar(sidecars, cart, gateway);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sidecars.DisposeAsync();
        await Cart.DisposeAsync();
    }

    private sealed class GatewayApp : ShopAppFactory<Program>;
}
