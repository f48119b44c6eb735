using System.Net;
using System.Text;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>
/// The sidecar's own turn lock, seen through an app that takes no locks (Dapr.Actors 1.19 also serializes turns inside
/// the app, which would hide the sidecar's lock from tests that use it).
/// </summary>
public sealed class ActorTurnLockTests
{
    internal const string NoReentrancy = """{"entities":["RawActor"],"actorIdleTimeout":"1h0m0s0ms","reentrancy":{"enabled":false}}""";
    private const string Reentrant = """{"entities":["RawActor"],"reentrancy":{"enabled":true,"maxStackDepth":4}}""";

    [Fact]
    public async Task Calls_to_one_actor_run_one_at_a_time_while_different_actors_run_in_parallel()
    {
        await using var env = await RawEnv.StartAsync(NoReentrancy);
        using var http = ActorCluster.Http(env.Caller);

        var sameActor = Enumerable.Range(0, 30).Select(_ => http.PutAsync("v1.0/actors/RawActor/one/method/slow", null, TestContext.Current.CancellationToken));
        var manyActors = Enumerable.Range(0, 30).Select(i => http.PutAsync($"v1.0/actors/RawActor/other-{i}/method/slow", null, TestContext.Current.CancellationToken));
        var responses = await Task.WhenAll(sameActor.Concat(manyActors));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, env.App.MaxConcurrentTurnsPerActor);
        Assert.True(env.App.MaxConcurrentTurnsOverall > 1, "different actors never ran at the same time");
    }

    [Fact]
    public async Task Timer_callbacks_take_turns_with_method_calls()
    {
        await using var env = await RawEnv.StartAsync(NoReentrancy);
        using var http = ActorCluster.Http(env.Caller);
        var ct = TestContext.Current.CancellationToken;
        await http.PutAsync("v1.0/actors/RawActor/t/method/slow", null, ct);
        using var host = ActorCluster.Http(env.Host);
        using var timer = await host.PutAsync("v1.0/actors/RawActor/t/timers/tick",
            new StringContent("""{"dueTime":"0s","period":"10ms","callback":"tick"}""", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.NoContent, timer.StatusCode);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => http.PutAsync("v1.0/actors/RawActor/t/method/slow", null, ct)));
        await host.DeleteAsync("v1.0/actors/RawActor/t/timers/tick", ct);

        var turns = env.App.Turns.Where(t => t.ActorId == "t").OrderBy(t => t.Start).ToList();
        Assert.Contains(turns, t => t.Method == "timer/tick");
        Assert.All(turns.Zip(turns.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start,
            $"{pair.First.Method} ({pair.First.Start:ss.fff}-{pair.First.End:ss.fff}) overlapped {pair.Second.Method} ({pair.Second.Start:ss.fff})"));
    }

    [Fact]
    public async Task With_reentrancy_a_call_carrying_the_running_calls_id_enters_up_to_maxStackDepth()
    {
        await using var env = await RawEnv.StartAsync(Reentrant);
        using var http = ActorCluster.Http(env.Caller);
        var ct = TestContext.Current.CancellationToken;

        using var deep = await http.PutAsync("v1.0/actors/RawActor/r/method/recurse", new StringContent("3"), ct);
        var ids = env.App.ReentrancyIds.ToList();
        using var tooDeep = await http.PutAsync("v1.0/actors/RawActor/r/method/recurse", new StringContent("4"), ct);

        Assert.Equal(HttpStatusCode.OK, deep.StatusCode);
        Assert.Equal("bottom", await deep.Content.ReadAsStringAsync(ct));
        Assert.Equal(4, ids.Count);
        Assert.False(string.IsNullOrEmpty(ids[0]), "the sidecar did not mint a reentrancy id");
        Assert.All(ids, id => Assert.Equal(ids[0], id));
        // The innermost call is refused with ERR_ACTOR_STACK_DEPTH; each app level answers 500 with it, which daprd wraps.
        Assert.Equal(HttpStatusCode.InternalServerError, tooDeep.StatusCode);
        var body = await tooDeep.Content.ReadAsStringAsync(ct);
        Assert.Contains("ERR_ACTOR_STACK_DEPTH", body, StringComparison.Ordinal);
        Assert.Contains("maximum stack depth exceeded", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_reentrancy_a_call_back_into_a_busy_actor_waits_and_no_id_is_sent()
    {
        await using var env = await RawEnv.StartAsync(NoReentrancy);
        using var http = ActorCluster.Http(env.Caller);
        var ct = TestContext.Current.CancellationToken;

        using var response = await http.PutAsync("v1.0/actors/RawActor/n/method/recurse", new StringContent("1"), ct);
        using var after = await http.PutAsync("v1.0/actors/RawActor/n/method/slow", null, ct);

        // The app gave up on its inner call (504), which the sidecar reports as daprd does: ERR_ACTOR_INVOKE_METHOD.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("error from actor service: (504) timed out", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.All(env.App.ReentrancyIds, Assert.Null);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Actors_an_app_stops_using_leave_the_table_with_their_locks()
    {
        await using var env = await RawEnv.StartAsync("""{"entities":["RawActor"],"actorIdleTimeout":"0h0m0s300ms","actorScanInterval":"0h0m0s100ms"}""");
        using var http = ActorCluster.Http(env.Caller);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => http.PutAsync($"v1.0/actors/RawActor/a{i}/method/slow", null, TestContext.Current.CancellationToken)));
        var hosted = env.Host.Services.GetRequiredService<ShopDapr.DevSidecar.Actors.HostedActors>();

        Assert.NotEmpty(hosted.Active);
        await Eventually.TrueAsync(() => !hosted.Active.Any(), TimeSpan.FromSeconds(10), "every idle actor deactivated and dropped");
    }

    /// <summary>A sidecar hosting <see cref="RawActorApp"/> and a caller sidecar.</summary>
    internal sealed class RawEnv(ActorCluster cluster, RawActorApp app, Sidecar host, Sidecar caller) : IAsyncDisposable
    {
        public RawActorApp App { get; } = app;

        public Sidecar Host { get; } = host;

        public Sidecar Caller { get; } = caller;

        public static async Task<RawEnv> StartAsync(string config, IReadOnlyDictionary<string, string>? resources = null)
        {
            var cluster = new ActorCluster(resources: resources);
            var app = await RawActorApp.StartAsync(config);
            var host = await cluster.StartSidecarForAsync("raw-app", app.Address);
            app.Sidecar = host.HttpEndpoint;
            return new RawEnv(cluster, app, host, await cluster.StartCallerAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await cluster.DisposeAsync();
            await App.DisposeAsync();
        }
    }
}
