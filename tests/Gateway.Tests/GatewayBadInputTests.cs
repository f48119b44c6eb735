using System.Net;
using System.Text;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>What the gateway refuses itself, before anything reaches a sidecar: always a 4xx ProblemDetails.</summary>
public sealed class GatewayBadInputTests(GatewayUpstreams upstreams) : IClassFixture<GatewayUpstreams>, IAsyncLifetime
{
    private GatewayFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = GatewayFactory.Create(upstreams);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_one_megabyte_body_is_413_and_never_forwarded()
    {
        var body = new StringContent($$"""{"pad":"{{new string('x', 1024 * 1024)}}"}""", Encoding.UTF8, "application/json");
        var response = await _app.ClientWith(null).PostAsync("/api/cart/items", body, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Empty(_app.Calls);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer not.a.jwt")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.")]
    public async Task Garbage_authorization_is_passed_on_for_the_app_to_refuse_not_a_gateway_500(string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/cart");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await _app.ClientWith(null).SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the recording app answers; real apps answer 401
        Assert.Equal(authorization, Assert.Single(_app.Calls).Headers["authorization"]);
    }
}
