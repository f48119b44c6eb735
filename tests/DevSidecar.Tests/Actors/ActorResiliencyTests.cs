using System.Net;
using Dapr.Actors;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>
/// A retry policy on an actor type (<c>targets.actors.X.retry</c>) wraps the whole call as daprd's pre-lock policy does, so
/// it calls the app again whatever failed: an error status (dapr's own integration test
/// <c>tests/integration/suite/daprd/resiliency/apps/actors.go</c> expects exactly that), an exception in an SDK actor
/// (the actor error in <c>X-DaprErrorResponseHeader</c>), or a call the app never answered. Without a policy only a
/// missed placement is retried (<see cref="ActorBuiltInRetryTests"/>), never a failure in the app.
/// </summary>
public sealed class ActorResiliencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string RetryThree(string actorType) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: resiliency
        spec:
          policies:
            retries:
              three:
                policy: constant
                duration: 10ms
                maxRetries: 3
          targets:
            actors:
              {actorType}:
                retry: three
        """;

    private static Dictionary<string, string> Resources(string actorType) => new() { ["resiliency.yaml"] = RetryThree(actorType) };

    [Fact]
    public async Task An_actor_retry_policy_calls_the_app_again_when_it_answers_an_error_status()
    {
        await using var env = await ActorTurnLockTests.RawEnv.StartAsync(ActorTurnLockTests.NoReentrancy, Resources("RawActor"));
        using var http = ActorCluster.Http(env.Caller);

        using var response = await http.PutAsync("v1.0/actors/RawActor/f/method/flaky", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(3, env.App.Attempts("f"));
    }

    [Fact]
    public async Task An_actor_retry_policy_calls_an_SDK_actor_method_that_threw_again_until_it_succeeds()
    {
        await using var cluster = new ActorCluster(resources: Resources(nameof(BreakableActor)));
        var (_, app) = await cluster.StartHostAsync("breaker-app", "r1", o => o.Actors.RegisterActor<BreakableActor>());
        var caller = await cluster.StartCallerAsync();
        app.Probe.FailFirst = 2;

        var calls = await ActorCluster.Proxy<IBreakableActor>(caller, nameof(BreakableActor), "b").Poke();

        Assert.Equal(3, calls);
        Assert.Equal(3, app.Probe.BreakableCalls);
    }

    [Fact]
    public async Task When_the_retries_run_out_the_caller_gets_the_actors_own_error()
    {
        await using var cluster = new ActorCluster(resources: Resources(nameof(BreakableActor)));
        var (_, app) = await cluster.StartHostAsync("breaker-app", "r1", o => o.Actors.RegisterActor<BreakableActor>());
        var caller = await cluster.StartCallerAsync();
        app.Probe.Failing = true;

        var e = await Assert.ThrowsAsync<ActorMethodInvocationException>(() => ActorCluster.Proxy<IBreakableActor>(caller, nameof(BreakableActor), "b").Poke());

        Assert.Contains("call 4 failed on purpose", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(4, app.Probe.BreakableCalls);
    }

    [Fact]
    public async Task An_actor_retry_policy_retries_a_call_the_app_did_not_answer()
    {
        await using var cluster = new ActorCluster(resources: Resources(nameof(CounterActor)));
        var line = new DeferredAppHandler();
        await cluster.StartHostAsync("counter-app", "r1", line: line);
        var caller = await cluster.StartCallerAsync();
        line.RefuseMethodCalls(2);

        var count = await ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "c").Increment();

        Assert.Equal(1, count);
        Assert.Equal(2, line.Refused);
    }

    [Fact]
    public async Task Without_a_policy_a_failed_call_is_ERR_ACTOR_INVOKE_METHOD_after_one_attempt()
    {
        await using var env = await ActorTurnLockTests.RawEnv.StartAsync(ActorTurnLockTests.NoReentrancy);
        using var http = ActorCluster.Http(env.Caller);

        using var response = await http.PutAsync("v1.0/actors/RawActor/f/method/flaky", null, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", await ActorInvocationTests.ErrorCode(response));
        Assert.Equal(1, env.App.Attempts("f"));
    }

    [Fact]
    public async Task Without_a_policy_an_SDK_actor_method_that_threw_or_a_call_the_app_did_not_answer_is_tried_once()
    {
        await using var cluster = new ActorCluster();
        var line = new DeferredAppHandler();
        var (_, app) = await cluster.StartHostAsync("breaker-app", "r1", o => o.Actors.RegisterActor<BreakableActor>(), line);
        var caller = await cluster.StartCallerAsync();
        var proxy = ActorCluster.Proxy<IBreakableActor>(caller, nameof(BreakableActor), "b");

        app.Probe.Failing = true;
        await Assert.ThrowsAsync<ActorMethodInvocationException>(() => proxy.Poke());
        app.Probe.Failing = false;
        line.RefuseMethodCalls(1);
        await Assert.ThrowsAsync<Dapr.DaprApiException>(() => proxy.Poke());

        Assert.Equal(1, app.Probe.BreakableCalls);
        Assert.Equal(1, line.Refused);
        Assert.Equal(2, await proxy.Poke());
    }
}
