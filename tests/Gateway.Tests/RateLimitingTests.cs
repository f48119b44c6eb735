using System.Net;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

public sealed class RateLimitingTests(GatewayUpstreams upstreams) : IClassFixture<GatewayUpstreams>, IAsyncLifetime
{
    private GatewayFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = GatewayFactory.Create(upstreams, permits: 3);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Over_the_limit_a_client_gets_429_problem_with_retry_after()
    {
        var client = _app.ClientWith(_app.Tokens.Customer("busy"));
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/catalog/products", Ct)).StatusCode);
        var limited = await client.GetAsync("/api/catalog/products", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await limited.ReadProblemAsync(Ct);
        Assert.Equal(3, _app.Calls.Count);
    }

    [Fact]
    public async Task Each_token_subject_has_its_own_budget_and_probes_are_not_limited()
    {
        for (var i = 0; i < 3; i++)
            await _app.ClientWith(_app.Tokens.Customer("first")).GetAsync("/api/catalog/products", Ct);
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(_app.Tokens.Customer("second")).GetAsync("/api/catalog/products", Ct)).StatusCode);
        for (var i = 0; i < 5; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await _app.ClientWith(null).GetAsync("/alive", Ct)).StatusCode);
    }

    [Fact]
    public async Task Forged_tokens_share_the_ip_budget_instead_of_minting_new_ones()
    {
        for (var i = 0; i < 3; i++)
            await _app.ClientWith(_app.Tokens.Forged($"mallory-{i}")).GetAsync("/api/catalog/products", Ct);
        var limited = await _app.ClientWith(_app.Tokens.Forged("mallory-99")).GetAsync("/api/catalog/products", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }
}
