using System.Net;
using System.Text.Json;
using Dapr.Actors;

namespace ShopDapr.DevSidecar.Tests.Actors;

public sealed class ActorInvocationTests
{
    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task Proxy_call_from_an_app_without_actors_reaches_the_hosting_app(string store)
    {
        await using var cluster = new ActorCluster(store: store);
        var (_, app) = await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();

        var proxy = ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "a");

        Assert.Equal(1, await proxy.Increment());
        Assert.Equal(2, await proxy.Increment());
        Assert.Equal(app.Probe.Replica, await proxy.WhereAmI());
    }

    [Theory]
    [MemberData(nameof(State.StateStores.ActorKinds), MemberType = typeof(State.StateStores))]
    public async Task Hundred_parallel_increments_on_one_actor_end_at_exactly_one_hundred(string store)
    {
        await using var cluster = new ActorCluster(store: store);
        var (host, app) = await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();
        var proxy = ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "busy");

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => proxy.Increment()));

        Assert.Equal(Enumerable.Range(1, 100), results.Order());
        Assert.Equal(1, app.Probe.MaxConcurrentTurns);
        using var http = ActorCluster.Http(host);
        Assert.Equal("100", await http.GetStringAsync("v1.0/actors/CounterActor/busy/state/count", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_exception_in_the_actor_comes_back_to_the_remoting_proxy_through_the_error_header()
    {
        await using var cluster = new ActorCluster();
        await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();

        var e = await Assert.ThrowsAsync<ActorMethodInvocationException>(() => ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "x").Fail("boom"));

        Assert.Contains("InvalidOperationException", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calling_an_actor_type_no_app_hosts_is_ERR_ACTOR_NO_ADDRESS()
    {
        await using var cluster = new ActorCluster();
        await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();
        using var http = ActorCluster.Http(caller);

        using var response = await http.PutAsync("v1.0/actors/Nobody/1/method/Go", new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ERR_ACTOR_NO_ADDRESS", await ErrorCode(response));
    }

    [Fact]
    public async Task A_method_the_app_does_not_serve_is_ERR_ACTOR_INVOKE_METHOD()
    {
        await using var cluster = new ActorCluster();
        await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();
        using var http = ActorCluster.Http(caller);

        using var response = await http.PutAsync("v1.0/actors/CounterActor/1/method/NoSuchMethod", new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", await ErrorCode(response));
    }

    internal static async Task<string?> ErrorCode(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return doc.RootElement.GetProperty("errorCode").GetString();
    }
}
