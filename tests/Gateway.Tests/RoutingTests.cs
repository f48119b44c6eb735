using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

public sealed class RoutingTests(GatewayUpstreams upstreams) : IClassFixture<GatewayUpstreams>, IAsyncLifetime
{
    private GatewayFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = GatewayFactory.Create(upstreams);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/api/identity/login", "identity")]
    [InlineData("/api/catalog/products?category=tools&page=2", "catalog")]
    [InlineData("/api/cart", "cart")]
    [InlineData("/api/cart/items/3f2c", "cart")]
    [InlineData("/api/orders/42/history", "ordering")]
    [InlineData("/api/inventory/SKU-1", "inventory")]
    [InlineData("/api/shipping/42/delivered", "shipping")]
    [InlineData("/api/payments/ledger", "payment")]
    [InlineData("/api/keys/audit/verify", "keys")]
    [InlineData("/api/recommendations/me", "analytics")]
    [InlineData("/api/trending", "analytics")]
    [InlineData("/products?category=tools&page=2", "web")]
    [InlineData("/products/3f2c", "web")]
    [InlineData("/search?q=hamer", "web")]
    [InlineData("/orders/42?handler=status", "web")]
    [InlineData("/admin/orders", "web")]
    [InlineData("/css/site.css", "web")]
    [InlineData("/api/analytics/models", "analytics")]
    public async Task Public_routes_go_to_the_sidecar_naming_the_app_with_the_path_unchanged(string path, string appId)
    {
        // The gateway's sidecar demands the gateway's API token: a 200 from the app means the gateway sent it.
        var response = await _app.ClientWith(null).GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(_app.Calls);
        Assert.Equal(appId, call.AppId);
        Assert.Equal(path, call.PathAndQuery);
        Assert.Equal("gateway", call.Headers["dapr-caller-app-id"]);
    }

    [Fact]
    public async Task The_root_redirects_to_the_storefront_without_reaching_the_sidecar()
    {
        var response = await _app.ClientWith(null).GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/products", response.Headers.Location?.OriginalString);
        Assert.Empty(_app.Calls);
    }

    [Fact]
    public async Task Authorization_and_trace_context_are_forwarded()
    {
        var token = _app.Tokens.Customer("c1");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/cart");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(null).SendAsync(request, Ct)).StatusCode);
        var call = Assert.Single(_app.Calls);
        Assert.Equal($"Bearer {token}", call.Headers["authorization"]);
        Assert.Contains(traceId, call.Headers["traceparent"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_cannot_pick_the_app_or_the_sidecar_token()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalog/products");
        request.Headers.Add("dapr-app-id", "keys");
        request.Headers.Add("dapr-api-token", "client-guess");
        // The gateway's sidecar refuses any token but the gateway's own: the 200 says the client's guess never got there.
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(null).SendAsync(request, Ct)).StatusCode);
        var call = Assert.Single(_app.Calls);
        Assert.Equal("catalog", call.AppId);
        Assert.Equal("/api/catalog/products", call.PathAndQuery);
    }

    [Theory]
    [InlineData("/api/vault/list")]
    [InlineData("/api/payment/x")]
    [InlineData("/v1.0/state/statestore/k")]
    [InlineData("/v1.0/invoke/keys/method/api/keys")]
    [InlineData("/.well-known/jwks.json")]
    [InlineData("/api/cart/../../v1.0/state/statestore")]
    [InlineData("/internal/orders")]
    [InlineData("/events/order-events")]
    [InlineData("/productsx")]
    public async Task Anything_else_is_404_and_never_reaches_the_sidecar(string path)
    {
        var response = await _app.ClientWith(null).GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Empty(_app.Calls);
    }

    [Fact]
    public async Task Docs_serve_one_reference_over_each_apps_openapi_through_the_sidecar()
    {
        var client = _app.ClientWith(null);
        var redirect = await client.GetAsync("/docs", Ct);
        Assert.True(redirect.StatusCode is HttpStatusCode.OK or HttpStatusCode.Found or HttpStatusCode.MovedPermanently, $"{redirect.StatusCode}");
        var docs = await client.GetAsync("/docs/", Ct);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
        var html = await docs.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"url\":\"api-docs/identity.json\"", html, StringComparison.Ordinal); // Scalar resolves it against the site root, as with its default /openapi/ pattern

        foreach (var app in new[] { "identity", "catalog", "cart" })
        {
            var doc = JsonDocument.Parse(await client.GetStringAsync($"/api-docs/{app}.json", Ct));
            Assert.Equal(app, doc.RootElement.GetProperty("info").GetProperty("title").GetString());
            Assert.Contains(_app.Calls, c => c.AppId == app && c.PathAndQuery == "/openapi/v1.json");
        }
        var unknown = await client.GetAsync("/api-docs/vault.json", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await unknown.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task Docs_list_only_the_routes_the_gateway_serves_for_that_app()
    {
        upstreams.Apps.RespondToCall = call => ((int)HttpStatusCode.OK, $$$"""
            {"openapi":"3.1.1","info":{"title":"{{{call.AppId}}}","version":"v1"},"servers":[{"url":"http://127.0.0.1:5104"}],
             "paths":{"/api/orders":{},"/api/orders/{id}/history":{},"/internal/orders":{},"/events/order-events":{},
                      "/dapr/subscribe":{},"/api/cart":{},"/api":{},"/healthz":{}
             }}
            """);
        var doc = JsonDocument.Parse(await _app.ClientWith(null).GetStringAsync("/api-docs/ordering.json", Ct)).RootElement;

        Assert.Equal(["/api/orders", "/api/orders/{id}/history"], doc.GetProperty("paths").EnumerateObject().Select(p => p.Name));
        Assert.False(doc.TryGetProperty("servers", out _));
    }

    [Fact]
    public async Task A_missing_app_document_is_502_not_500()
    {
        upstreams.Apps.RespondToCall = _ => ((int)HttpStatusCode.InternalServerError, null);
        var response = await _app.ClientWith(null).GetAsync("/api-docs/cart.json", Ct);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }
}
