using System.Net;
using System.Net.Http.Headers;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// The gateway in front of the REAL dev sidecar (invocation by dapr-app-id, API token, the repo's access control),
/// with a recording app standing in for cart.
/// </summary>
public sealed class GatewayThroughDevSidecarTests : IAsyncLifetime
{
    private const string SidecarToken = "gateway-dapr-api-token";
    private readonly DevSidecars _sidecars = new();
    private RecordingApp _cart = null!;
    private GatewayApp _gateway = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cart = await RecordingApp.StartAsync(Ct);
        await _sidecars.StartAsync("cart", _cart.CreateHandler(), cancellationToken: Ct);
        var gatewaySidecar = await _sidecars.StartAsync("gateway", apiToken: SidecarToken, cancellationToken: Ct);
        _gateway = new GatewayApp();
        _gateway.Settings["DAPR_HTTP_ENDPOINT"] = gatewaySidecar.HttpEndpoint.ToString();
        _gateway.Settings["DAPR_API_TOKEN"] = SidecarToken;
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _sidecars.DisposeAsync();
        await _cart.DisposeAsync();
    }

    [Fact]
    public async Task A_public_call_reaches_the_app_with_path_query_and_authorization_unchanged()
    {
        var token = _gateway.Tokens.Customer("c7");
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/cart/items/abc?x=1") { Content = new StringContent("""{"quantity":2}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _gateway.ClientWith(null).SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (method, path, headers) = Assert.Single(_cart.Received);
        Assert.Equal(("PUT", "/api/cart/items/abc"), (method, path));
        Assert.Equal($"Bearer {token}", headers["authorization"]);
        Assert.True(headers.ContainsKey("traceparent"));
    }

    [Fact]
    public async Task App_answers_pass_back_unchanged_including_problems()
    {
        _cart.Respond = (_, _) => (422, """{"status":422,"title":"The request breaks a cart rule"}""");
        var response = await _gateway.ClientWith(null).GetAsync("/api/cart", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("cart rule", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_control_lets_the_gateway_reach_api_routes_and_documents_only()
    {
        var sidecar = _sidecars.Cluster.Resolve("gateway")!;
        using var raw = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        raw.DefaultRequestHeaders.Add("dapr-api-token", SidecarToken);
        Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync("/v1.0/invoke/cart/method/openapi/v1.json", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await raw.DeleteAsync("/v1.0/invoke/cart/method/api/cart/items/x", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await raw.GetAsync("/v1.0/invoke/cart/method/internal/admin", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await raw.PostAsync("/v1.0/invoke/cart/method/dapr/subscribe", null, Ct)).StatusCode);
        Assert.DoesNotContain(_cart.Received, r => r.Path.StartsWith("/internal", StringComparison.Ordinal) || r.Path.StartsWith("/dapr", StringComparison.Ordinal));
    }

    private sealed class GatewayApp : ShopAppFactory<Program>;
}
