using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ShopDapr.DevSidecar.Tests.Invocation;

public sealed class HttpInvocationTests
{
    [Fact]
    public async Task Get_with_query_and_headers_reaches_the_target_app_and_its_answer_comes_back()
    {
        await using var apps = await TwoApps.StartAsync();
        using var http = apps.InvokeClient("b");
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://b/api/orders/7?expand=lines&x=1");
        request.Headers.Add("x-custom", "hello");
        request.Headers.Add("dapr-caller-app-id", "forged");
        request.Headers.Connection.Add("x-hop");
        request.Headers.Add("x-hop", "dropped");

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("b", response.Headers.GetValues("x-app-name").Single());
        var seen = apps.AppB.Last;
        Assert.Equal(("GET", "/api/orders/7", "?expand=lines&x=1"), (seen.Method, seen.Path, seen.Query));
        Assert.Equal("hello", seen.Header("x-custom"));
        Assert.Equal("a", seen.Header("dapr-caller-app-id"));
        Assert.Equal("b", seen.Header("dapr-callee-app-id"));
        Assert.Null(seen.Header("x-hop"));
        Assert.Empty(apps.AppA.Received);
    }

    [Fact]
    public async Task Post_body_and_content_type_reach_the_app()
    {
        await using var apps = await TwoApps.StartAsync();
        using var http = apps.InvokeClient("b");

        using var response = await http.PostAsJsonAsync("http://b/api/orders", new { sku = "X1", quantity = 2 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = apps.AppB.Last;
        Assert.Equal("POST", seen.Method);
        Assert.StartsWith("application/json", seen.Header("content-type"));
        Assert.Equal("""{"sku":"X1","quantity":2}""", seen.Body);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(404)]
    [InlineData(500)]
    public async Task App_status_code_headers_and_body_pass_back_unchanged(int status)
    {
        await using var apps = await TwoApps.StartAsync();
        using var http = apps.InvokeClient("b");

        using var response = await http.GetAsync($"http://b/status/{status}", TestContext.Current.CancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal($"status {status}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("b", response.Headers.GetValues("x-app-name").Single());
    }

    [Fact]
    public async Task Every_verb_is_passed_to_the_app()
    {
        await using var apps = await TwoApps.StartAsync();
        using var http = apps.InvokeClient("b");
        foreach (var verb in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Head, HttpMethod.Options })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(verb, "http://b/things/1"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(verb.Method, apps.AppB.Last.Method);
        }
    }

    [Fact]
    public async Task Obsolete_InvokeMethodAsync_and_InvokeMethodWithResponseAsync_round_trip()
    {
        await using var apps = await TwoApps.StartAsync();
        var ct = TestContext.Current.CancellationToken;

#pragma warning disable CS0618 // InvokeMethodAsync and InvokeMethodWithResponseAsync are obsolete in SDK 1.19; apps still call it
        var answer = await apps.A.Client.InvokeMethodAsync<Order, Order>(HttpMethod.Post, "b", "echo", new Order("o-1", 3), ct);
        Assert.Equal(new Order("o-1", 3), answer);
        Assert.Equal("""{"id":"o-1","quantity":3}""", apps.AppB.Last.Body);

        using var request = apps.A.Client.CreateInvokeMethodRequest(HttpMethod.Get, "b", "status/404");
        using var response = await apps.A.Client.InvokeMethodWithResponseAsync(request, ct);
#pragma warning restore CS0618
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("status 404", await response.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Plain_HttpClient_with_dapr_app_id_header_invokes_the_app_and_sidecar_routes_still_win()
    {
        await using var apps = await TwoApps.StartAsync();
        using var http = new HttpClient { BaseAddress = apps.A.Sidecar.HttpEndpoint };
        http.DefaultRequestHeaders.Add("dapr-app-id", "b");
        var ct = TestContext.Current.CancellationToken;

        using var response = await http.PutAsync("/inventory/sku-9?reserve=true", new StringContent("5", Encoding.UTF8, "text/plain"), ct);
        using var health = await http.GetAsync("/v1.0/healthz", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", await response.Content.ReadAsStringAsync(ct));
        var seen = apps.AppB.Last;
        Assert.Equal(("PUT", "/inventory/sku-9", "?reserve=true", "5"), (seen.Method, seen.Path, seen.Query, seen.Body));
        Assert.Null(seen.Header("dapr-app-id"));
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        Assert.Single(apps.AppB.Received);
    }

    [Fact]
    public async Task Traceparent_is_continued_when_present_and_started_when_absent()
    {
        await using var apps = await TwoApps.StartAsync();
        using var http = apps.InvokeClient("b");
        var ct = TestContext.Current.CancellationToken;
        const string incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        using var traced = new HttpRequestMessage(HttpMethod.Get, "http://b/traced");
        traced.Headers.Add("traceparent", incoming);
        traced.Headers.Add("tracestate", "shop=1");
        (await http.SendAsync(traced, ct)).Dispose();
        var continued = apps.AppB.Last;
        (await http.GetAsync("http://b/untraced", ct)).Dispose();
        var started = apps.AppB.Last;

        var parts = continued.Header("traceparent")!.Split('-');
        Assert.Equal(("00", "0af7651916cd43dd8448eb211c80319c", "01"), (parts[0], parts[1], parts[3]));
        Assert.NotEqual("b7ad6b7169203331", parts[2]);
        Assert.Equal("shop=1", continued.Header("tracestate"));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", started.Header("traceparent"));
        Assert.NotEqual(parts[1], started.Header("traceparent")!.Split('-')[1]);
    }

    [Fact]
    public async Task Replicas_of_an_app_are_called_round_robin()
    {
        await using var apps = await TwoApps.StartAsync();
        var replica = await apps.AddAppAsync("b-replica");
        await apps.AddSidecarAsync("b", replica);
        using var http = apps.InvokeClient("b");

        var names = new List<string>();
        for (var i = 0; i < 6; i++)
            names.Add(await http.GetStringAsync("http://b/who", TestContext.Current.CancellationToken));

        Assert.Equal(3, names.Count(n => n == "b"));
        Assert.Equal(3, names.Count(n => n == "b-replica"));
        Assert.All(names.Zip(names.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task App_id_with_namespace_suffix_reaches_the_app_in_that_namespace_only()
    {
        await using var apps = await TwoApps.StartAsync();
        using var http = new HttpClient { BaseAddress = apps.A.Sidecar.HttpEndpoint };
        var ct = TestContext.Current.CancellationToken;

        using var same = await http.GetAsync("/v1.0/invoke/b.default/method/hello", ct);
        using var other = await http.GetAsync("/v1.0/invoke/b.shop/method/hello", ct);

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        await AssertDirectInvokeError(other, HttpStatusCode.InternalServerError, "failed to invoke, id: b.shop, err: couldn't find service: b");
    }

    [Fact]
    public async Task Unknown_app_answers_ERR_DIRECT_INVOKE()
    {
        await using var apps = await TwoApps.StartAsync();
        using var http = new HttpClient { BaseAddress = apps.A.Sidecar.HttpEndpoint };

        using var response = await http.GetAsync("/v1.0/invoke/nope/method/hello", TestContext.Current.CancellationToken);

        await AssertDirectInvokeError(response, HttpStatusCode.InternalServerError, "failed to invoke, id: nope, err: couldn't find service: nope");
    }

    [Fact]
    public async Task Unreachable_app_and_app_without_channel_answer_ERR_DIRECT_INVOKE()
    {
        await using var apps = await TwoApps.StartAsync();
        await apps.AddSidecarAsync("client-only", app: null);
        await using var down = await TestSidecar.StartAsync(new Dictionary<string, string>(), "down",
            ShopDapr.DevSidecar.Hosting.AppChannelOptions.FromPort(ClosedPort()), apps.Cluster);
        using var http = new HttpClient { BaseAddress = apps.A.Sidecar.HttpEndpoint };
        var ct = TestContext.Current.CancellationToken;

        using var unreachable = await http.GetAsync("/v1.0/invoke/down/method/hello", ct);
        using var noChannel = await http.GetAsync("/v1.0/invoke/client-only/method/hello", ct);

        await AssertDirectInvokeError(unreachable, HttpStatusCode.InternalServerError,
            "failed to invoke, id: down, err: rpc error: code = Internal desc = error invoking app channel: ");
        await AssertDirectInvokeError(noChannel, HttpStatusCode.InternalServerError,
            "failed to invoke, id: client-only, err: rpc error: code = Internal desc = app channel is not initialized");
    }

    internal static async Task AssertDirectInvokeError(HttpResponseMessage response, HttpStatusCode status, string messageStart)
    {
        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("ERR_DIRECT_INVOKE", json.RootElement.GetProperty("errorCode").GetString());
        Assert.StartsWith(messageStart, json.RootElement.GetProperty("message").GetString());
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed record Order(string Id, int Quantity);
}
