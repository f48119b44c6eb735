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
    private GatewayOverDevSidecar _shop = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _shop = await GatewayOverDevSidecar.StartAsync(Ct);

    public ValueTask DisposeAsync() => _shop.DisposeAsync();

    [Fact]
    public async Task A_public_call_reaches_the_app_with_path_query_and_authorization_unchanged()
    {
        var token = _shop.Gateway.Tokens.Customer("c7");
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/cart/items/abc?x=1") { Content = new StringContent("""{"quantity":2}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _shop.Gateway.ClientWith(null).SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (method, path, headers) = Assert.Single(_shop.Cart.Received);
        Assert.Equal(("PUT", "/api/cart/items/abc"), (method, path));
        Assert.Equal($"Bearer {token}", headers["authorization"]);
        Assert.True(headers.ContainsKey("traceparent"));
    }

    [Fact]
    public async Task App_answers_pass_back_unchanged_including_problems()
    {
        _shop.Cart.Respond = (_, _) => (422, """{"status":422,"title":"The request breaks a cart rule"}""");
        var response = await _shop.Gateway.ClientWith(null).GetAsync("/api/cart", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("cart rule", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_control_lets_the_gateway_reach_api_routes_and_documents_only()
    {
        var sidecar = _shop.Sidecars.Cluster.Resolve("gateway")!;
        using var raw = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        raw.DefaultRequestHeaders.Add("dapr-api-token", GatewayOverDevSidecar.SidecarToken);
        Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync("/v1.0/invoke/cart/method/openapi/v1.json", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await raw.DeleteAsync("/v1.0/invoke/cart/method/api/cart/items/x", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await raw.GetAsync("/v1.0/invoke/cart/method/internal/admin", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await raw.PostAsync("/v1.0/invoke/cart/method/dapr/subscribe", null, Ct)).StatusCode);
        Assert.DoesNotContain(_shop.Cart.Received, r => r.Path.StartsWith("/internal", StringComparison.Ordinal) || r.Path.StartsWith("/dapr", StringComparison.Ordinal));
    }

}
