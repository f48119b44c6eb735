using System.Net;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// When no app answered — the sidecar failed, an app could not be reached or timed out — the client gets 503
/// ProblemDetails with Retry-After, never an empty 500 or 502; an app's own answer passes unchanged.
/// </summary>
public sealed class UpstreamFailureTests : IAsyncLifetime
{
    private GatewayFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await GatewayFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(500, null)]
    [InlineData(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"failed to invoke, id: catalog, err: circuit breaker is open"}""")]
    [InlineData(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"failed to invoke, id: catalog, err: context deadline exceeded"}""")]
    [InlineData(502, null)]
    [InlineData(504, null)]
    public async Task A_sidecar_error_instead_of_an_app_answer_is_503_problem_with_retry_after(int status, string? daprBody)
    {
        _app.Sidecar.Handler = (_, _) => ((HttpStatusCode)status, daprBody);
        var response = await _app.ClientWith(null).GetAsync("/api/catalog/products/p-1", Ct);
        await AssertUnavailableAsync(response);
    }

    [Fact]
    public async Task An_unreachable_sidecar_is_503_problem_with_retry_after_not_a_hang()
    {
        await _app.Sidecar.DisposeAsync();
        var response = await _app.ClientWith(null).GetAsync("/api/catalog/products", Ct);
        await AssertUnavailableAsync(response);
    }

    [Theory]
    [InlineData(404, """{"type":"about:blank","title":"No such product","status":404}""")]
    [InlineData(401, """{"title":"Unauthorized","status":401}""")]
    [InlineData(503, """{"title":"The store is unavailable; retry","status":503}""")]
    [InlineData(500, """{"title":"An unexpected error","status":500}""")]
    public async Task An_apps_own_answer_passes_unchanged(int status, string body)
    {
        _app.Sidecar.Handler = (_, _) => ((HttpStatusCode)status, body);
        var response = await _app.ClientWith(null).GetAsync("/api/catalog/products/p-1", Ct);
        Assert.Equal(status, (int)response.StatusCode);
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
