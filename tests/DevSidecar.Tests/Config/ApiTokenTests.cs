using System.Net;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using Grpc.Net.Client;
using ShopDapr.DevSidecar.Tests.Invocation;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace ShopDapr.DevSidecar.Tests.Config;

public sealed class ApiTokenTests
{
    private const string Token = "sidecar-secret";

    [Fact]
    public async Task Http_apis_demand_the_token_except_the_health_checks()
    {
        await using var apps = await TwoApps.StartAsync(configureA: o => o with { ApiToken = Token });
        using var http = new HttpClient { BaseAddress = apps.A.Sidecar.HttpEndpoint };
        var ct = TestContext.Current.CancellationToken;

        using var metadata = await http.GetAsync("/v1.0/metadata", ct);
        using var invoke = await http.GetAsync("/v1.0/invoke/b/method/hello", ct);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata") { Headers = { { "dapr-api-token", "guess" } } };
        using var wrongAnswer = await http.SendAsync(wrong, ct);
        using var health = await http.GetAsync("/v1.0/healthz", ct);
        using var outbound = await http.GetAsync("/v1.0/healthz/outbound", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, metadata.StatusCode);
        Assert.Equal("invalid api token\n", await metadata.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.Unauthorized, invoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (health.StatusCode, outbound.StatusCode));
        Assert.Empty(apps.AppB.Received);
    }

    [Fact]
    public async Task Grpc_calls_without_the_token_are_Unauthenticated()
    {
        await using var apps = await TwoApps.StartAsync(configureA: o => o with { ApiToken = Token });
        using var channel = GrpcChannel.ForAddress(apps.A.Sidecar.GrpcEndpoint);
        var client = new DaprGrpc.DaprClient(channel);
        var ct = TestContext.Current.CancellationToken;

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.GetMetadataAsync(new GetMetadataRequest(), cancellationToken: ct));
        var wrong = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetMetadataAsync(new GetMetadataRequest(), new Metadata { { "dapr-api-token", "guess" } }, cancellationToken: ct));
        var right = await client.GetMetadataAsync(new GetMetadataRequest(), new Metadata { { "dapr-api-token", Token } }, cancellationToken: ct);

        Assert.Equal((StatusCode.Unauthenticated, StatusCode.Unauthenticated), (missing.StatusCode, wrong.StatusCode));
        Assert.Equal("a", right.Id);
    }

    [Fact]
    public async Task The_SDK_with_DAPR_API_TOKEN_is_accepted_and_the_token_never_reaches_the_target_app()
    {
        await using var apps = await TwoApps.StartAsync(configureA: o => o with { ApiToken = Token });
        using var http = apps.InvokeClient("b", Token);
        var ct = TestContext.Current.CancellationToken;

        var metadata = await apps.A.Client.GetMetadataAsync(ct);
        var answer = await http.GetStringAsync("http://b/hello", ct);

        Assert.Equal("a", metadata.Id);
        Assert.Equal("b", answer);
        Assert.Null(apps.AppB.Last.Header("dapr-api-token"));
    }

    [Fact]
    public async Task The_target_app_receives_its_APP_API_TOKEN()
    {
        await using var apps = await TwoApps.StartAsync(configureB: o => o with { AppApiToken = "app-b-secret" });
        using var http = apps.InvokeClient("b");

        using var request = new HttpRequestMessage(HttpMethod.Get, "http://b/hello") { Headers = { { "dapr-api-token", "forged" } } };
        (await http.SendAsync(request, TestContext.Current.CancellationToken)).Dispose();

        Assert.Equal("app-b-secret", apps.AppB.Last.Header("dapr-api-token"));
    }
}
