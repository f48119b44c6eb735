using System.Net;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Tests.Actors;

namespace ShopDapr.DevSidecar.Tests.Hosting;

/// <summary>As daprd (CleanPathMiddleware, StripSlashesMiddleware): double slashes and a trailing slash do not change the route.</summary>
public sealed class CleanPathTests
{
    [Theory]
    [InlineData("//a///b/", "/a/b")]
    [InlineData("/v1.0/state/store/", "/v1.0/state/store")]
    [InlineData("/", "/")]
    [InlineData("//", "/")]
    [InlineData("/v1.0/healthz", "/v1.0/healthz")]
    public void Clean_collapses_slashes_and_drops_a_trailing_one(string path, string clean) =>
        Assert.Equal(clean, CleanPaths.Clean(path));

    [Fact]
    public async Task State_calls_with_double_and_trailing_slashes_reach_the_state_api()
    {
        await using var sidecar = await TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["state.yaml"] = Yaml.Component("statestore", "state.in-memory"),
        });
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient();
        var port = sidecar.Sidecar.HttpEndpoint.Port;

        using var saved = await http.PostAsync($"http://127.0.0.1:{port}//v1.0//state/statestore/",
            new StringContent("""[{"key":"k","value":"v"}]""", System.Text.Encoding.UTF8, "application/json"), ct);
        using var read = await http.GetAsync($"http://127.0.0.1:{port}//v1.0/state/statestore//k/", ct);

        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"v\"", await read.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task The_actor_sdks_default_proxy_reaches_the_actor_through_the_dapr_environment()
    {
        await using var cluster = new ActorCluster();
        await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();

        // ActorProxy.Create<ICounterActor>(id, type) with no options, in a process given what `dapr run -f` gives an app:
        // the SDK then calls http://127.0.0.1:PORT//v1.0/actors/... (a double slash).
        var (code, output) = await Workflows.ProbeAppProcess.RunToEndAsync(["--call-counter-actor", "default-options"], new Dictionary<string, string>
        {
            ["DAPR_HTTP_PORT"] = caller.HttpEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{caller.HttpEndpoint.Port}",
        }, TestContext.Current.CancellationToken);

        Assert.True(code == 0, output);
        Assert.Contains("increment 1\nincrement 2", output, StringComparison.Ordinal);
    }
}
