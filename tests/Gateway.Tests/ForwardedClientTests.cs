using System.Net;
using System.Net.Http.Json;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// Login and register have their own, stricter budget per client address; the address comes from X-Forwarded-For only
/// when a configured proxy sent it, and goes to the apps in x-shopdapr-client-address, set by the gateway alone.
/// </summary>
public sealed class ForwardedClientTests(GatewayUpstreams upstreams) : IClassFixture<GatewayUpstreams>, IAsyncLifetime
{
    private const string ClientAddressHeader = "x-shopdapr-client-address";
    private GatewayFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = GatewayFactory.Create(upstreams);
        _app.Settings["Gateway:LoginRateLimitPermits"] = "2";
        _app.Settings["Gateway:RegisterRateLimitPermits"] = "2";
        _app.RemoteAddress = IPAddress.Parse("203.0.113.9");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> Post(string path, string? forwardedFor = null, string? clientAddress = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { email = "a@example.com", password = "x" }) };
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (clientAddress is not null)
            request.Headers.Add(ClientAddressHeader, clientAddress);
        return _app.ClientWith(null).SendAsync(request, Ct);
    }

    [Theory]
    [InlineData("/api/identity/login")]
    [InlineData("/api/identity/register")]
    public async Task Login_and_register_have_a_stricter_budget_than_other_routes(string path)
    {
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await Post(path)).StatusCode);
        var limited = await Post(path);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await limited.ReadProblemAsync(Ct);
        Assert.Equal(2, _app.Calls.Count);
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(null).GetAsync("/api/catalog/products", Ct)).StatusCode);
    }

    [Fact]
    public async Task Spellings_of_the_login_path_share_its_budget()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("/API/Identity/LOGIN")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post("/api/identity/login/")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Post("/api/identity//login")).StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_proxy_a_client_cannot_pick_its_address_by_header()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("/api/identity/login", forwardedFor: "198.51.100.1", clientAddress: "198.51.100.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post("/api/identity/login", forwardedFor: "198.51.100.2")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Post("/api/identity/login", forwardedFor: "198.51.100.3")).StatusCode);
        Assert.Equal(2, _app.Calls.Count);
        Assert.All(_app.Calls, c => Assert.Equal("203.0.113.9", c.Headers[ClientAddressHeader]));
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_forwarded_client_has_its_own_budget_and_address()
    {
        _app.Settings["Gateway:KnownNetworks:0"] = "10.0.0.0/8";
        _app.RemoteAddress = IPAddress.Parse("10.1.2.3");
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await Post("/api/identity/login", forwardedFor: "198.51.100.1", clientAddress: "192.0.2.66")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Post("/api/identity/login", forwardedFor: "198.51.100.1")).StatusCode);
        // A spoofed entry left of the proxy's own is the client's claim, not the proxy's: the rightmost untrusted hop counts.
        Assert.Equal(HttpStatusCode.OK, (await Post("/api/identity/login", forwardedFor: "198.51.100.1, 198.51.100.2")).StatusCode);
        Assert.Equal(["198.51.100.1", "198.51.100.1", "198.51.100.2"], _app.Calls.Select(c => c.Headers[ClientAddressHeader]));
    }

    [Theory]
    [InlineData("Gateway:KnownNetworks:0", "10.0.0.0/33")]
    [InlineData("Gateway:KnownProxies:0", "not-an-ip")]
    public void A_malformed_proxy_setting_stops_start_up_naming_it(string key, string value)
    {
        _app.Settings[key] = value;
        var error = Assert.ThrowsAny<Exception>(() => _app.ClientWith(null));
        Assert.Contains(value, error.ToString(), StringComparison.Ordinal);
    }
}
