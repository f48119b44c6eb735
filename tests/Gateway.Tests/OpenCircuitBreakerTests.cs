using System.Net;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// The gateway before the REAL dev sidecar whose circuit breaker for cart has opened: the client gets 503 problem with
/// Retry-After, not the sidecar's bare 500. (The shop's own resiliency.yaml puts no breaker on any app; this one does,
/// to make the sidecar fail as it would for a dead app.)
/// </summary>
public sealed class OpenCircuitBreakerTests : IAsyncLifetime
{
    private const string Resiliency = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: breaker-for-test
        spec:
          policies:
            circuitBreakers:
              trips:
                maxRequests: 1
                timeout: 60s
                trip: consecutiveFailures >= 2
          targets:
            apps:
              cart:
                circuitBreaker: trips
        """;

    private GatewayOverDevSidecar _shop = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _shop = await GatewayOverDevSidecar.StartAsync(Ct, new Dictionary<string, string> { ["resiliency.yaml"] = Resiliency });

    public ValueTask DisposeAsync() => _shop.DisposeAsync();

    [Fact]
    public async Task Once_the_breaker_is_open_the_gateway_answers_503_problem_with_retry_after()
    {
        _shop.Cart.Respond = (_, _) => (500, """{"title":"The cart store failed","status":500}""");
        var client = _shop.Gateway.ClientWith(null);
        for (var i = 0; i < 2; i++)
        {
            var failed = await client.GetAsync("/api/cart", Ct);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode); // the app's own answer, passed on
            Assert.Contains("cart store failed", await failed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        var calls = _shop.Cart.Received.Count;

        _shop.Cart.Respond = (_, _) => (200, """{"ok":true}""");
        var open = await client.GetAsync("/api/cart", Ct);
        await UpstreamFailureTests.AssertUnavailableAsync(open);
        Assert.Equal(calls, _shop.Cart.Received.Count); // the breaker kept the call from the app
    }
}
