using System.Net;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// What stands behind the gateway in its tests: REAL dev sidecars (the repo's access control) for the gateway and for
/// every app it routes to, all in front of one recording app that answers as each of them. A class fixture: the
/// sidecars are shared by a class's tests, each test starting its own gateway (<see cref="GatewayFactory"/>) and
/// finding <see cref="Apps"/> with no calls and default answers.
/// </summary>
public sealed class GatewayUpstreams : IAsyncLifetime
{
    public const string SidecarToken = "gateway-sidecar-token";

    /// <summary>Every app id the gateway routes to, and keys (which it must never reach).</summary>
    public static readonly string[] AppIds =
    [
        ShopNames.AppIds.Identity, ShopNames.AppIds.Catalog, ShopNames.AppIds.Cart, ShopNames.AppIds.Ordering,
        ShopNames.AppIds.Inventory, ShopNames.AppIds.Shipping, ShopNames.AppIds.Payment, ShopNames.AppIds.Analytics,
        ShopNames.AppIds.Keys, ShopNames.AppIds.Web,
    ];

    private readonly DevSidecars _sidecars = new();

    public RecordingApp Apps { get; private set; } = null!;

    /// <summary>The gateway's own sidecar: demands <see cref="SidecarToken"/> on every call.</summary>
    public Uri GatewaySidecar { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Apps = await RecordingApp.StartAsync(ct);
        foreach (var appId in AppIds)
            await _sidecars.StartAsync(appId, Apps.CreateHandler(), cancellationToken: ct);
        GatewaySidecar = (await _sidecars.StartAsync(ShopNames.AppIds.Gateway, apiToken: SidecarToken, cancellationToken: ct)).HttpEndpoint;
        Reset();
    }

    /// <summary>No calls recorded; each app answers 200 <c>{"app":id}</c>, and its OpenAPI document titled with its id.</summary>
    public void Reset()
    {
        Apps.Calls.Clear();
        Apps.Received.Clear();
        Apps.RespondToCall = call => call.PathAndQuery == "/openapi/v1.json"
            ? ((int)HttpStatusCode.OK, $$$"""{"openapi":"3.1.1","info":{"title":"{{{call.AppId}}}","version":"v1"},"paths":{}}""")
            : ((int)HttpStatusCode.OK, $$"""{"app":"{{call.AppId}}"}""");
    }

    public async ValueTask DisposeAsync()
    {
        await _sidecars.DisposeAsync();
        await Apps.DisposeAsync();
    }
}
