using System.Net;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// When no app answered — the sidecar failed, an app could not be reached or timed out — the client gets 503
/// ProblemDetails with Retry-After, never an empty 500 or 502; an app's own answer passes unchanged.
/// </summary>
public sealed class UpstreamFailureTests(GatewayUpstreams upstreams) : IClassFixture<GatewayUpstreams>, IAsyncLifetime
{
    private GatewayFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = GatewayFactory.Create(upstreams);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// A stub sidecar here (the one test that keeps it): these are the answers of a sidecar that failed on its own —
    /// an empty 500, an open breaker's or a deadline's ERR_DIRECT_INVOKE, a 502 or 504 — which a healthy dev sidecar
    /// cannot be made to give on demand.
    /// </summary>
    [Theory]
    [InlineData(500, null)]
    [InlineData(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"failed to invoke, id: catalog, err: circuit breaker is open"}""")]
    [InlineData(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"failed to invoke, id: catalog, err: context deadline exceeded"}""")]
    [InlineData(502, null)]
    [InlineData(504, null)]
    public async Task A_sidecar_error_instead_of_an_app_answer_is_503_problem_with_retry_after(int status, string? daprBody)
    {
        await using var stub = await StubSidecar.StartAsync(Ct);
        stub.Handler = (_, _) => ((HttpStatusCode)status, daprBody);
        await using var app = GatewayFactory.OverStub(upstreams, stub);
        var response = await app.ClientWith(null).GetAsync("/api/catalog/products/p-1", Ct);
        await AssertUnavailableAsync(response);
        Assert.Single(stub.Calls);
    }

    [Fact]
    public async Task An_unreachable_sidecar_is_503_problem_with_retry_after_not_a_hang()
    {
        await using var app = GatewayFactory.WithoutSidecar(upstreams);
        var response = await app.ClientWith(null).GetAsync("/api/catalog/products", Ct);
        await AssertUnavailableAsync(response);
        Assert.Empty(_app.Calls);
    }

    [Theory]
    [InlineData(404, """{"type":"about:blank","title":"No such product","status":404}""")]
    [InlineData(401, """{"title":"Unauthorized","status":401}""")]
    [InlineData(503, """{"title":"The store is unavailable; retry","status":503}""")]
    [InlineData(500, """{"title":"An unexpected error","status":500}""")]
    public async Task An_apps_own_answer_passes_unchanged(int status, string body)
    {
        upstreams.Apps.RespondToCall = _ => (status, body);
        var response = await _app.ClientWith(null).GetAsync("/api/catalog/products/p-1", Ct);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("catalog", Assert.Single(_app.Calls).AppId);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(Ct));
        Assert.Null(response.Headers.RetryAfter);
    }

    internal static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        var problem = await response.ReadProblemAsync(Ct);
        Assert.Equal("The service is unavailable", problem.GetProperty("title").GetString());
    }
}
