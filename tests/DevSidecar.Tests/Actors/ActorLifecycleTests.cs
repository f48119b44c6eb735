using System.Net;
using System.Text;

namespace ShopDapr.DevSidecar.Tests.Actors;

public sealed class ActorLifecycleTests
{
    [Fact]
    public async Task An_idle_actor_is_deactivated_after_the_apps_idle_timeout_and_its_timers_stop()
    {
        await using var cluster = new ActorCluster();
        var (_, app) = await cluster.StartHostAsync("timer-app", "r1", o =>
        {
            o.ActorIdleTimeout = TimeSpan.FromSeconds(1);
            o.ActorScanInterval = TimeSpan.FromMilliseconds(200);
        });
        var caller = await cluster.StartCallerAsync();
        var actor = ActorCluster.Proxy<ITimerActor>(caller, nameof(TimerActor), "sleepy");

        await actor.StartTicking(60_000);
        var lastCall = DateTimeOffset.UtcNow;
        await Eventually.TrueAsync(() => !app.Probe.Deactivations.IsEmpty, TimeSpan.FromSeconds(10), "deactivation of the idle actor");

        var (id, at) = app.Probe.Deactivations.Single();
        Assert.Equal("sleepy", id);
        Assert.True(at - lastCall >= TimeSpan.FromMilliseconds(900), $"deactivated {at - lastCall} after its last call");
        Assert.Empty(app.Probe.TimerTicks);
    }

    [Fact]
    public async Task Timer_callbacks_do_not_keep_an_actor_alive()
    {
        await using var cluster = new ActorCluster();
        var (_, app) = await cluster.StartHostAsync("timer-app", "r1", o =>
        {
            o.ActorIdleTimeout = TimeSpan.FromSeconds(1);
            o.ActorScanInterval = TimeSpan.FromMilliseconds(200);
        });
        var caller = await cluster.StartCallerAsync();

        await ActorCluster.Proxy<ITimerActor>(caller, nameof(TimerActor), "ticking").StartTicking(100);
        await Eventually.TrueAsync(() => !app.Probe.Deactivations.IsEmpty, TimeSpan.FromSeconds(10), "deactivation despite the ticking timer");
        var ticks = app.Probe.TimerTicks.Count;
        await Task.Delay(400, TestContext.Current.CancellationToken); // a few periods: no tick may come after deactivation

        Assert.True(ticks >= 3, $"only {ticks} ticks before deactivation");
        Assert.Equal(ticks, app.Probe.TimerTicks.Count);
    }

    [Fact]
    public async Task Stopping_a_sidecar_deactivates_its_actors_in_the_app()
    {
        await using var cluster = new ActorCluster();
        var (host, app) = await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();
        await ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "c1").Increment();
        await ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "c2").Increment();

        await host.DisposeAsync();

        Assert.Equal(["c1", "c2"], app.Probe.Deactivations.Select(d => d.ActorId).Order());
    }

    [Fact]
    public async Task A_busy_actor_is_not_deactivated_by_the_idle_scan()
    {
        await using var cluster = new ActorCluster();
        var (_, app) = await cluster.StartHostAsync("counter-app", "r1", o =>
        {
            o.ActorIdleTimeout = TimeSpan.FromSeconds(1);
            o.ActorScanInterval = TimeSpan.FromMilliseconds(200);
        });
        var caller = await cluster.StartCallerAsync();
        var actor = ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "busy");

        var until = DateTimeOffset.UtcNow.AddSeconds(2.5);
        while (DateTimeOffset.UtcNow < until)
            await actor.Increment();

        Assert.Empty(app.Probe.Deactivations);
        await Eventually.TrueAsync(() => !app.Probe.Deactivations.IsEmpty, TimeSpan.FromSeconds(10), "deactivation once calls stop");
    }

    [Fact]
    public async Task Metadata_shows_the_actor_runtime_running_with_its_active_actors()
    {
        await using var cluster = new ActorCluster();
        var (host, _) = await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();
        await ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "m1").Increment();
        await ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "m2").Increment();
        using var http = ActorCluster.Http(host);

        using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("v1.0/metadata", TestContext.Current.CancellationToken));

        var runtime = doc.RootElement.GetProperty("actorRuntime");
        Assert.Equal("RUNNING", runtime.GetProperty("runtimeStatus").GetString());
        Assert.True(runtime.GetProperty("hostReady").GetBoolean());
        var active = runtime.GetProperty("activeActors").EnumerateArray().Single();
        Assert.Equal(("CounterActor", 2), (active.GetProperty("type").GetString(), active.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task State_written_with_a_ttl_reads_back_with_the_ttl_header()
    {
        await using var cluster = new ActorCluster();
        var (host, _) = await cluster.StartHostAsync("counter-app", "r1");
        await ActorCluster.Proxy<ICounterActor>(host, nameof(CounterActor), "ttl").Increment();
        using var http = ActorCluster.Http(host);
        var ct = TestContext.Current.CancellationToken;

        var body = """[{"operation":"upsert","request":{"key":"note","value":{"text":"hi"},"metadata":{"ttlInSeconds":"60"}}}]""";
        using var put = await http.PutAsync("v1.0/actors/CounterActor/ttl/state", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        using var get = await http.GetAsync("v1.0/actors/CounterActor/ttl/state/note", ct);

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal("""{"text":"hi"}""", await get.Content.ReadAsStringAsync(ct));
        var expires = DateTimeOffset.Parse(get.Headers.GetValues("Metadata.ttlExpireTime").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddSeconds(50), DateTimeOffset.UtcNow.AddSeconds(61));
    }

    [Fact]
    public async Task Missing_state_is_204_and_a_transaction_for_an_inactive_actor_is_ERR_ACTOR_INSTANCE_MISSING()
    {
        await using var cluster = new ActorCluster();
        var (host, _) = await cluster.StartHostAsync("counter-app", "r1");
        using var http = ActorCluster.Http(host);
        var ct = TestContext.Current.CancellationToken;

        using var get = await http.GetAsync("v1.0/actors/CounterActor/never/state/count", ct);
        using var put = await http.PutAsync("v1.0/actors/CounterActor/never/state",
            new StringContent("""[{"operation":"upsert","request":{"key":"count","value":1}}]"""), ct);

        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("ERR_ACTOR_INSTANCE_MISSING", await ActorInvocationTests.ErrorCode(put));
    }

    [Fact]
    public async Task Without_an_actor_state_store_state_is_ERR_ACTOR_RUNTIME_NOT_FOUND()
    {
        await using var cluster = new ActorCluster(actorStateStore: false);
        var (host, _) = await cluster.StartHostAsync("counter-app", "r1");
        using var http = ActorCluster.Http(host);

        using var get = await http.GetAsync("v1.0/actors/CounterActor/x/state/count", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, get.StatusCode);
        Assert.Equal("ERR_ACTOR_RUNTIME_NOT_FOUND", await ActorInvocationTests.ErrorCode(get));
    }
}
