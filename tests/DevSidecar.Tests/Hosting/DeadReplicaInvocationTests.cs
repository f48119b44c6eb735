using System.Net;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Tests.Actors;

namespace ShopDapr.DevSidecar.Tests.Hosting;

/// <summary>
/// Two replicas of app "b" behind their own sidecars, each app on a real port, and a caller "a": when one replica's app
/// dies (its port refuses connections, its sidecar still runs) it leaves the round-robin at once, the call that found it
/// dead goes to the survivor, and it comes back once its app answers again.
/// </summary>
public sealed class DeadReplicaInvocationTests : IAsyncLifetime
{
    private static readonly TimeSpan Probe = TimeSpan.FromMilliseconds(100);
    private readonly SidecarCluster _cluster = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private KillableApp _b1 = null!;
    private KillableApp _b2 = null!;
    private Sidecar _b1Sidecar = null!;
    private HttpClient _toB = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _b1 = await Own(KillableApp.StartAsync("b1"));
        _b2 = await Own(KillableApp.StartAsync("b2"));
        _b1Sidecar = (await Own(StartSidecarAsync("b", _b1.Channel))).Sidecar;
        await Own(StartSidecarAsync("b", _b2.Channel));
        var a = await Own(StartSidecarAsync("a", null));
        _toB = Dapr.Client.DaprClient.CreateInvokeHttpClient("b", a.Sidecar.HttpEndpoint.ToString().TrimEnd('/'));
    }

    private Task<TestSidecar> StartSidecarAsync(string appId, AppChannelOptions? app) =>
        TestSidecar.StartAsync(new Dictionary<string, string>(), appId, app, _cluster, o => o with { AppHealthProbeInterval = Probe });

    [Fact]
    public async Task A_replica_whose_app_died_is_skipped_and_the_call_that_found_it_dead_reaches_the_other()
    {
        Assert.Equal(["b1", "b2"], (await CallsAsync(4)).Distinct().Order());

        await _b1.KillAsync();
        var after = await CallsAsync(10);

        Assert.All(after, name => Assert.Equal("b2", name));
        Assert.True(_b1Sidecar.Context.App!.Health.IsDown);
        Assert.Equal(2, _cluster.Replicas("b").Length); // its sidecar still runs: it is out because its app is down
    }

    [Fact]
    public async Task A_POST_that_found_a_dead_replica_runs_once_on_the_other()
    {
        await _b1.KillAsync();
        var bodies = Enumerable.Range(1, 6).Select(i => $"order-{i}").ToList();

        foreach (var body in bodies)
        {
            using var answer = await _toB.PostAsync("http://b/orders", new StringContent(body), Ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        Assert.Equal(bodies.Select(b => $"POST /orders {b}"), _b2.Received.Where(r => r.StartsWith("POST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_replica_whose_app_answers_again_is_back_in_the_round_robin()
    {
        await _b1.KillAsync();
        await CallsAsync(2);
        Assert.True(_b1Sidecar.Context.App!.Health.IsDown);

        await _b1.RestartAsync();
        await Eventually.TrueAsync(() => !_b1Sidecar.Context.App!.Health.IsDown, TimeSpan.FromSeconds(10), "b1's sidecar to see its app again");
        var names = await CallsAsync(6);

        Assert.Equal(3, names.Count(n => n == "b1"));
        Assert.Equal(3, names.Count(n => n == "b2"));
    }

    [Fact]
    public async Task The_probe_takes_a_dead_replica_out_before_any_call_finds_it()
    {
        await _b1.KillAsync();

        await Eventually.TrueAsync(() => _b1Sidecar.Context.App!.Health.IsDown, TimeSpan.FromSeconds(10), "the probe to find b1's port closed");
        Assert.DoesNotContain(_b1Sidecar, _cluster.Available("b"));
    }

    private async Task<List<string>> CallsAsync(int count)
    {
        var names = new List<string>();
        for (var i = 0; i < count; i++)
            names.Add(await _toB.GetStringAsync("http://b/who", Ct));
        return names;
    }

    private async Task<T> Own<T>(Task<T> starting) where T : IAsyncDisposable
    {
        var item = await starting;
        _owned.Add(item);
        return item;
    }

    public async ValueTask DisposeAsync()
    {
        _toB?.Dispose();
        for (var i = _owned.Count - 1; i >= 0; i--)
            await _owned[i].DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
